/* zwgpu_shim.c: the native side of bun-webgpu's FFI (the `zwgpu*` symbols its
 * TypeScript dlopens) over the standard webgpu.h, so that bun-webgpu, and through it
 * the WebGPU CTS, runs on any webgpu.h implementation (here: libwebgpu_shim.so).
 *
 * bun:ffi cannot pass structs by value, so every by-value argument of webgpu.h
 * (WGPUStringView, the *CallbackInfo structs, the FreeMembers arguments) arrives as a
 * pointer, and WGPUFuture returns as its id. The rest forwards unchanged. Bridged by hand
 * (end of file): Dawn-only entry points (wgpuDeviceTick, wgpuDeviceInjectError,
 * wgpuAdapterCreateDevice, the SharedMemory FreeMembers), features / WGSL features copied
 * into the caller's array, and WGPULimits with the 4 storage-in-stage limits the 2025
 * Dawn layout appends (filled from WGPUCompatibilityModeLimits, else the per-stage limits).
 *
 * Written for this harness from the signatures alone; build:
 *   cc -O2 -shared -fPIC -I<include> zwgpu_shim.c -L<dir> -lwebgpu_shim -Wl,-rpath,<dir>
 */
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <webgpu/webgpu.h>

#define EXP __attribute__((visibility("default")))

static WGPUInstance g_instance; /* the last instance created: wgpuDeviceTick polls it */

/* ---- plain forwarders (one per bun-webgpu FFI symbol) ---- */
EXP WGPUStatus zwgpuAdapterGetInfo(WGPUAdapter adapter, WGPUAdapterInfo * info) { return wgpuAdapterGetInfo(adapter, info); }
EXP void zwgpuAdapterInfoFreeMembers(WGPUAdapterInfo const * adapterInfo) { wgpuAdapterInfoFreeMembers(*adapterInfo); }
EXP void zwgpuAdapterRelease(WGPUAdapter adapter) { wgpuAdapterRelease(adapter); }
EXP void zwgpuBindGroupLayoutRelease(WGPUBindGroupLayout bindGroupLayout) { wgpuBindGroupLayoutRelease(bindGroupLayout); }
EXP void zwgpuBindGroupRelease(WGPUBindGroup bindGroup) { wgpuBindGroupRelease(bindGroup); }
EXP void zwgpuBufferDestroy(WGPUBuffer buffer) { wgpuBufferDestroy(buffer); }
EXP void const * zwgpuBufferGetConstMappedRange(WGPUBuffer buffer, uint64_t offset, uint64_t size) { return wgpuBufferGetConstMappedRange(buffer, (size_t)offset, (size_t)size); }
EXP void * zwgpuBufferGetMappedRange(WGPUBuffer buffer, uint64_t offset, uint64_t size) { return wgpuBufferGetMappedRange(buffer, (size_t)offset, (size_t)size); }
EXP uint64_t zwgpuBufferMapAsync(WGPUBuffer buffer, WGPUMapMode mode, uint64_t offset, uint64_t size, WGPUBufferMapCallbackInfo const * callbackInfo) { return wgpuBufferMapAsync(buffer, mode, (size_t)offset, (size_t)size, *callbackInfo).id; }
EXP void zwgpuBufferRelease(WGPUBuffer buffer) { wgpuBufferRelease(buffer); }
EXP void zwgpuBufferUnmap(WGPUBuffer buffer) { wgpuBufferUnmap(buffer); }
EXP void zwgpuCommandBufferRelease(WGPUCommandBuffer commandBuffer) { wgpuCommandBufferRelease(commandBuffer); }
EXP WGPUComputePassEncoder zwgpuCommandEncoderBeginComputePass(WGPUCommandEncoder commandEncoder, WGPUComputePassDescriptor const * descriptor) { return wgpuCommandEncoderBeginComputePass(commandEncoder, descriptor); }
EXP WGPURenderPassEncoder zwgpuCommandEncoderBeginRenderPass(WGPUCommandEncoder commandEncoder, WGPURenderPassDescriptor const * descriptor) { return wgpuCommandEncoderBeginRenderPass(commandEncoder, descriptor); }
EXP void zwgpuCommandEncoderClearBuffer(WGPUCommandEncoder commandEncoder, WGPUBuffer buffer, uint64_t offset, uint64_t size) { wgpuCommandEncoderClearBuffer(commandEncoder, buffer, offset, size); }
EXP void zwgpuCommandEncoderCopyBufferToBuffer(WGPUCommandEncoder commandEncoder, WGPUBuffer source, uint64_t sourceOffset, WGPUBuffer destination, uint64_t destinationOffset, uint64_t size) { wgpuCommandEncoderCopyBufferToBuffer(commandEncoder, source, sourceOffset, destination, destinationOffset, size); }
EXP void zwgpuCommandEncoderCopyBufferToTexture(WGPUCommandEncoder commandEncoder, WGPUTexelCopyBufferInfo const * source, WGPUTexelCopyTextureInfo const * destination, WGPUExtent3D const * copySize) { wgpuCommandEncoderCopyBufferToTexture(commandEncoder, source, destination, copySize); }
EXP void zwgpuCommandEncoderCopyTextureToBuffer(WGPUCommandEncoder commandEncoder, WGPUTexelCopyTextureInfo const * source, WGPUTexelCopyBufferInfo const * destination, WGPUExtent3D const * copySize) { wgpuCommandEncoderCopyTextureToBuffer(commandEncoder, source, destination, copySize); }
EXP void zwgpuCommandEncoderCopyTextureToTexture(WGPUCommandEncoder commandEncoder, WGPUTexelCopyTextureInfo const * source, WGPUTexelCopyTextureInfo const * destination, WGPUExtent3D const * copySize) { wgpuCommandEncoderCopyTextureToTexture(commandEncoder, source, destination, copySize); }
EXP WGPUCommandBuffer zwgpuCommandEncoderFinish(WGPUCommandEncoder commandEncoder, WGPUCommandBufferDescriptor const * descriptor) { return wgpuCommandEncoderFinish(commandEncoder, descriptor); }
EXP void zwgpuCommandEncoderInsertDebugMarker(WGPUCommandEncoder commandEncoder, WGPUStringView const * markerLabel) { wgpuCommandEncoderInsertDebugMarker(commandEncoder, *markerLabel); }
EXP void zwgpuCommandEncoderPopDebugGroup(WGPUCommandEncoder commandEncoder) { wgpuCommandEncoderPopDebugGroup(commandEncoder); }
EXP void zwgpuCommandEncoderPushDebugGroup(WGPUCommandEncoder commandEncoder, WGPUStringView const * groupLabel) { wgpuCommandEncoderPushDebugGroup(commandEncoder, *groupLabel); }
EXP void zwgpuCommandEncoderRelease(WGPUCommandEncoder commandEncoder) { wgpuCommandEncoderRelease(commandEncoder); }
EXP void zwgpuCommandEncoderResolveQuerySet(WGPUCommandEncoder commandEncoder, WGPUQuerySet querySet, uint32_t firstQuery, uint32_t queryCount, WGPUBuffer destination, uint64_t destinationOffset) { wgpuCommandEncoderResolveQuerySet(commandEncoder, querySet, firstQuery, queryCount, destination, destinationOffset); }
EXP void zwgpuComputePassEncoderDispatchWorkgroups(WGPUComputePassEncoder computePassEncoder, uint32_t workgroupCountX, uint32_t workgroupCountY, uint32_t workgroupCountZ) { wgpuComputePassEncoderDispatchWorkgroups(computePassEncoder, workgroupCountX, workgroupCountY, workgroupCountZ); }
EXP void zwgpuComputePassEncoderDispatchWorkgroupsIndirect(WGPUComputePassEncoder computePassEncoder, WGPUBuffer indirectBuffer, uint64_t indirectOffset) { wgpuComputePassEncoderDispatchWorkgroupsIndirect(computePassEncoder, indirectBuffer, indirectOffset); }
EXP void zwgpuComputePassEncoderEnd(WGPUComputePassEncoder computePassEncoder) { wgpuComputePassEncoderEnd(computePassEncoder); }
EXP void zwgpuComputePassEncoderInsertDebugMarker(WGPUComputePassEncoder computePassEncoder, WGPUStringView const * markerLabel) { wgpuComputePassEncoderInsertDebugMarker(computePassEncoder, *markerLabel); }
EXP void zwgpuComputePassEncoderPopDebugGroup(WGPUComputePassEncoder computePassEncoder) { wgpuComputePassEncoderPopDebugGroup(computePassEncoder); }
EXP void zwgpuComputePassEncoderPushDebugGroup(WGPUComputePassEncoder computePassEncoder, WGPUStringView const * groupLabel) { wgpuComputePassEncoderPushDebugGroup(computePassEncoder, *groupLabel); }
EXP void zwgpuComputePassEncoderRelease(WGPUComputePassEncoder computePassEncoder) { wgpuComputePassEncoderRelease(computePassEncoder); }
EXP void zwgpuComputePassEncoderSetBindGroup(WGPUComputePassEncoder computePassEncoder, uint32_t groupIndex, WGPUBindGroup group, uint64_t dynamicOffsetCount, uint32_t const * dynamicOffsets) { wgpuComputePassEncoderSetBindGroup(computePassEncoder, groupIndex, group, (size_t)dynamicOffsetCount, dynamicOffsets); }
EXP void zwgpuComputePassEncoderSetPipeline(WGPUComputePassEncoder computePassEncoder, WGPUComputePipeline pipeline) { wgpuComputePassEncoderSetPipeline(computePassEncoder, pipeline); }
EXP WGPUBindGroupLayout zwgpuComputePipelineGetBindGroupLayout(WGPUComputePipeline computePipeline, uint32_t groupIndex) { return wgpuComputePipelineGetBindGroupLayout(computePipeline, groupIndex); }
EXP void zwgpuComputePipelineRelease(WGPUComputePipeline computePipeline) { wgpuComputePipelineRelease(computePipeline); }
EXP WGPUBindGroup zwgpuDeviceCreateBindGroup(WGPUDevice device, WGPUBindGroupDescriptor const * descriptor) { return wgpuDeviceCreateBindGroup(device, descriptor); }
EXP WGPUBindGroupLayout zwgpuDeviceCreateBindGroupLayout(WGPUDevice device, WGPUBindGroupLayoutDescriptor const * descriptor) { return wgpuDeviceCreateBindGroupLayout(device, descriptor); }
EXP WGPUBuffer zwgpuDeviceCreateBuffer(WGPUDevice device, WGPUBufferDescriptor const * descriptor) { return wgpuDeviceCreateBuffer(device, descriptor); }
EXP WGPUCommandEncoder zwgpuDeviceCreateCommandEncoder(WGPUDevice device, WGPUCommandEncoderDescriptor const * descriptor) { return wgpuDeviceCreateCommandEncoder(device, descriptor); }
EXP WGPUComputePipeline zwgpuDeviceCreateComputePipeline(WGPUDevice device, WGPUComputePipelineDescriptor const * descriptor) { return wgpuDeviceCreateComputePipeline(device, descriptor); }
EXP uint64_t zwgpuDeviceCreateComputePipelineAsync(WGPUDevice device, WGPUComputePipelineDescriptor const * descriptor, WGPUCreateComputePipelineAsyncCallbackInfo const * callbackInfo) { return wgpuDeviceCreateComputePipelineAsync(device, descriptor, *callbackInfo).id; }
EXP WGPUPipelineLayout zwgpuDeviceCreatePipelineLayout(WGPUDevice device, WGPUPipelineLayoutDescriptor const * descriptor) { return wgpuDeviceCreatePipelineLayout(device, descriptor); }
EXP WGPUQuerySet zwgpuDeviceCreateQuerySet(WGPUDevice device, WGPUQuerySetDescriptor const * descriptor) { return wgpuDeviceCreateQuerySet(device, descriptor); }
EXP WGPURenderBundleEncoder zwgpuDeviceCreateRenderBundleEncoder(WGPUDevice device, WGPURenderBundleEncoderDescriptor const * descriptor) { return wgpuDeviceCreateRenderBundleEncoder(device, descriptor); }
EXP WGPURenderPipeline zwgpuDeviceCreateRenderPipeline(WGPUDevice device, WGPURenderPipelineDescriptor const * descriptor) { return wgpuDeviceCreateRenderPipeline(device, descriptor); }
EXP uint64_t zwgpuDeviceCreateRenderPipelineAsync(WGPUDevice device, WGPURenderPipelineDescriptor const * descriptor, WGPUCreateRenderPipelineAsyncCallbackInfo const * callbackInfo) { return wgpuDeviceCreateRenderPipelineAsync(device, descriptor, *callbackInfo).id; }
EXP WGPUSampler zwgpuDeviceCreateSampler(WGPUDevice device, WGPUSamplerDescriptor const * descriptor) { return wgpuDeviceCreateSampler(device, descriptor); }
EXP WGPUShaderModule zwgpuDeviceCreateShaderModule(WGPUDevice device, WGPUShaderModuleDescriptor const * descriptor) { return wgpuDeviceCreateShaderModule(device, descriptor); }
EXP WGPUTexture zwgpuDeviceCreateTexture(WGPUDevice device, WGPUTextureDescriptor const * descriptor) { return wgpuDeviceCreateTexture(device, descriptor); }
EXP void zwgpuDeviceDestroy(WGPUDevice device) { wgpuDeviceDestroy(device); }
EXP WGPUStatus zwgpuDeviceGetAdapterInfo(WGPUDevice device, WGPUAdapterInfo * adapterInfo) { return wgpuDeviceGetAdapterInfo(device, adapterInfo); }
EXP WGPUQueue zwgpuDeviceGetQueue(WGPUDevice device) { return wgpuDeviceGetQueue(device); }
EXP WGPUBool zwgpuDeviceHasFeature(WGPUDevice device, WGPUFeatureName feature) { return wgpuDeviceHasFeature(device, feature); }
EXP uint64_t zwgpuDevicePopErrorScope(WGPUDevice device, WGPUPopErrorScopeCallbackInfo const * callbackInfo) { return wgpuDevicePopErrorScope(device, *callbackInfo).id; }
EXP void zwgpuDevicePushErrorScope(WGPUDevice device, WGPUErrorFilter filter) { wgpuDevicePushErrorScope(device, filter); }
EXP void zwgpuDeviceRelease(WGPUDevice device) { wgpuDeviceRelease(device); }
EXP void zwgpuInstanceAddRef(WGPUInstance instance) { wgpuInstanceAddRef(instance); }
EXP WGPUSurface zwgpuInstanceCreateSurface(WGPUInstance instance, WGPUSurfaceDescriptor const * descriptor) { return wgpuInstanceCreateSurface(instance, descriptor); }
EXP void zwgpuInstanceProcessEvents(WGPUInstance instance) { wgpuInstanceProcessEvents(instance); }
EXP void zwgpuInstanceRelease(WGPUInstance instance) { wgpuInstanceRelease(instance); }
EXP uint64_t zwgpuInstanceRequestAdapter(WGPUInstance instance, WGPURequestAdapterOptions const * options, WGPURequestAdapterCallbackInfo const * callbackInfo) { return wgpuInstanceRequestAdapter(instance, options, *callbackInfo).id; }
EXP WGPUWaitStatus zwgpuInstanceWaitAny(WGPUInstance instance, uint64_t futureCount, WGPUFutureWaitInfo * futures, uint64_t timeoutNS) { return wgpuInstanceWaitAny(instance, (size_t)futureCount, futures, timeoutNS); }
EXP void zwgpuPipelineLayoutRelease(WGPUPipelineLayout pipelineLayout) { wgpuPipelineLayoutRelease(pipelineLayout); }
EXP void zwgpuQuerySetDestroy(WGPUQuerySet querySet) { wgpuQuerySetDestroy(querySet); }
EXP void zwgpuQuerySetRelease(WGPUQuerySet querySet) { wgpuQuerySetRelease(querySet); }
EXP uint64_t zwgpuQueueOnSubmittedWorkDone(WGPUQueue queue, WGPUQueueWorkDoneCallbackInfo const * callbackInfo) { return wgpuQueueOnSubmittedWorkDone(queue, *callbackInfo).id; }
EXP void zwgpuQueueRelease(WGPUQueue queue) { wgpuQueueRelease(queue); }
EXP void zwgpuQueueSubmit(WGPUQueue queue, uint64_t commandCount, WGPUCommandBuffer const * commands) { wgpuQueueSubmit(queue, (size_t)commandCount, commands); }
EXP void zwgpuQueueWriteBuffer(WGPUQueue queue, WGPUBuffer buffer, uint64_t bufferOffset, void const * data, uint64_t size) { wgpuQueueWriteBuffer(queue, buffer, bufferOffset, data, (size_t)size); }
EXP void zwgpuQueueWriteTexture(WGPUQueue queue, WGPUTexelCopyTextureInfo const * destination, void const * data, uint64_t dataSize, WGPUTexelCopyBufferLayout const * dataLayout, WGPUExtent3D const * writeSize) { wgpuQueueWriteTexture(queue, destination, data, (size_t)dataSize, dataLayout, writeSize); }
EXP void zwgpuRenderBundleEncoderDraw(WGPURenderBundleEncoder renderBundleEncoder, uint32_t vertexCount, uint32_t instanceCount, uint32_t firstVertex, uint32_t firstInstance) { wgpuRenderBundleEncoderDraw(renderBundleEncoder, vertexCount, instanceCount, firstVertex, firstInstance); }
EXP void zwgpuRenderBundleEncoderDrawIndexed(WGPURenderBundleEncoder renderBundleEncoder, uint32_t indexCount, uint32_t instanceCount, uint32_t firstIndex, int32_t baseVertex, uint32_t firstInstance) { wgpuRenderBundleEncoderDrawIndexed(renderBundleEncoder, indexCount, instanceCount, firstIndex, baseVertex, firstInstance); }
EXP void zwgpuRenderBundleEncoderDrawIndexedIndirect(WGPURenderBundleEncoder renderBundleEncoder, WGPUBuffer indirectBuffer, uint64_t indirectOffset) { wgpuRenderBundleEncoderDrawIndexedIndirect(renderBundleEncoder, indirectBuffer, indirectOffset); }
EXP void zwgpuRenderBundleEncoderDrawIndirect(WGPURenderBundleEncoder renderBundleEncoder, WGPUBuffer indirectBuffer, uint64_t indirectOffset) { wgpuRenderBundleEncoderDrawIndirect(renderBundleEncoder, indirectBuffer, indirectOffset); }
EXP WGPURenderBundle zwgpuRenderBundleEncoderFinish(WGPURenderBundleEncoder renderBundleEncoder, WGPURenderBundleDescriptor const * descriptor) { return wgpuRenderBundleEncoderFinish(renderBundleEncoder, descriptor); }
EXP void zwgpuRenderBundleEncoderInsertDebugMarker(WGPURenderBundleEncoder renderBundleEncoder, WGPUStringView const * markerLabel) { wgpuRenderBundleEncoderInsertDebugMarker(renderBundleEncoder, *markerLabel); }
EXP void zwgpuRenderBundleEncoderPopDebugGroup(WGPURenderBundleEncoder renderBundleEncoder) { wgpuRenderBundleEncoderPopDebugGroup(renderBundleEncoder); }
EXP void zwgpuRenderBundleEncoderPushDebugGroup(WGPURenderBundleEncoder renderBundleEncoder, WGPUStringView const * groupLabel) { wgpuRenderBundleEncoderPushDebugGroup(renderBundleEncoder, *groupLabel); }
EXP void zwgpuRenderBundleEncoderRelease(WGPURenderBundleEncoder renderBundleEncoder) { wgpuRenderBundleEncoderRelease(renderBundleEncoder); }
EXP void zwgpuRenderBundleEncoderSetBindGroup(WGPURenderBundleEncoder renderBundleEncoder, uint32_t groupIndex, WGPUBindGroup group, uint64_t dynamicOffsetCount, uint32_t const * dynamicOffsets) { wgpuRenderBundleEncoderSetBindGroup(renderBundleEncoder, groupIndex, group, (size_t)dynamicOffsetCount, dynamicOffsets); }
EXP void zwgpuRenderBundleEncoderSetIndexBuffer(WGPURenderBundleEncoder renderBundleEncoder, WGPUBuffer buffer, WGPUIndexFormat format, uint64_t offset, uint64_t size) { wgpuRenderBundleEncoderSetIndexBuffer(renderBundleEncoder, buffer, format, offset, size); }
EXP void zwgpuRenderBundleEncoderSetPipeline(WGPURenderBundleEncoder renderBundleEncoder, WGPURenderPipeline pipeline) { wgpuRenderBundleEncoderSetPipeline(renderBundleEncoder, pipeline); }
EXP void zwgpuRenderBundleEncoderSetVertexBuffer(WGPURenderBundleEncoder renderBundleEncoder, uint32_t slot, WGPUBuffer buffer, uint64_t offset, uint64_t size) { wgpuRenderBundleEncoderSetVertexBuffer(renderBundleEncoder, slot, buffer, offset, size); }
EXP void zwgpuRenderBundleRelease(WGPURenderBundle renderBundle) { wgpuRenderBundleRelease(renderBundle); }
EXP void zwgpuRenderPassEncoderBeginOcclusionQuery(WGPURenderPassEncoder renderPassEncoder, uint32_t queryIndex) { wgpuRenderPassEncoderBeginOcclusionQuery(renderPassEncoder, queryIndex); }
EXP void zwgpuRenderPassEncoderDraw(WGPURenderPassEncoder renderPassEncoder, uint32_t vertexCount, uint32_t instanceCount, uint32_t firstVertex, uint32_t firstInstance) { wgpuRenderPassEncoderDraw(renderPassEncoder, vertexCount, instanceCount, firstVertex, firstInstance); }
EXP void zwgpuRenderPassEncoderDrawIndexed(WGPURenderPassEncoder renderPassEncoder, uint32_t indexCount, uint32_t instanceCount, uint32_t firstIndex, int32_t baseVertex, uint32_t firstInstance) { wgpuRenderPassEncoderDrawIndexed(renderPassEncoder, indexCount, instanceCount, firstIndex, baseVertex, firstInstance); }
EXP void zwgpuRenderPassEncoderDrawIndexedIndirect(WGPURenderPassEncoder renderPassEncoder, WGPUBuffer indirectBuffer, uint64_t indirectOffset) { wgpuRenderPassEncoderDrawIndexedIndirect(renderPassEncoder, indirectBuffer, indirectOffset); }
EXP void zwgpuRenderPassEncoderDrawIndirect(WGPURenderPassEncoder renderPassEncoder, WGPUBuffer indirectBuffer, uint64_t indirectOffset) { wgpuRenderPassEncoderDrawIndirect(renderPassEncoder, indirectBuffer, indirectOffset); }
EXP void zwgpuRenderPassEncoderEnd(WGPURenderPassEncoder renderPassEncoder) { wgpuRenderPassEncoderEnd(renderPassEncoder); }
EXP void zwgpuRenderPassEncoderEndOcclusionQuery(WGPURenderPassEncoder renderPassEncoder) { wgpuRenderPassEncoderEndOcclusionQuery(renderPassEncoder); }
EXP void zwgpuRenderPassEncoderExecuteBundles(WGPURenderPassEncoder renderPassEncoder, uint64_t bundleCount, WGPURenderBundle const * bundles) { wgpuRenderPassEncoderExecuteBundles(renderPassEncoder, (size_t)bundleCount, bundles); }
EXP void zwgpuRenderPassEncoderInsertDebugMarker(WGPURenderPassEncoder renderPassEncoder, WGPUStringView const * markerLabel) { wgpuRenderPassEncoderInsertDebugMarker(renderPassEncoder, *markerLabel); }
EXP void zwgpuRenderPassEncoderPopDebugGroup(WGPURenderPassEncoder renderPassEncoder) { wgpuRenderPassEncoderPopDebugGroup(renderPassEncoder); }
EXP void zwgpuRenderPassEncoderPushDebugGroup(WGPURenderPassEncoder renderPassEncoder, WGPUStringView const * groupLabel) { wgpuRenderPassEncoderPushDebugGroup(renderPassEncoder, *groupLabel); }
EXP void zwgpuRenderPassEncoderRelease(WGPURenderPassEncoder renderPassEncoder) { wgpuRenderPassEncoderRelease(renderPassEncoder); }
EXP void zwgpuRenderPassEncoderSetBindGroup(WGPURenderPassEncoder renderPassEncoder, uint32_t groupIndex, WGPUBindGroup group, uint64_t dynamicOffsetCount, uint32_t const * dynamicOffsets) { wgpuRenderPassEncoderSetBindGroup(renderPassEncoder, groupIndex, group, (size_t)dynamicOffsetCount, dynamicOffsets); }
EXP void zwgpuRenderPassEncoderSetBlendConstant(WGPURenderPassEncoder renderPassEncoder, WGPUColor const * color) { wgpuRenderPassEncoderSetBlendConstant(renderPassEncoder, color); }
EXP void zwgpuRenderPassEncoderSetIndexBuffer(WGPURenderPassEncoder renderPassEncoder, WGPUBuffer buffer, WGPUIndexFormat format, uint64_t offset, uint64_t size) { wgpuRenderPassEncoderSetIndexBuffer(renderPassEncoder, buffer, format, offset, size); }
EXP void zwgpuRenderPassEncoderSetPipeline(WGPURenderPassEncoder renderPassEncoder, WGPURenderPipeline pipeline) { wgpuRenderPassEncoderSetPipeline(renderPassEncoder, pipeline); }
EXP void zwgpuRenderPassEncoderSetScissorRect(WGPURenderPassEncoder renderPassEncoder, uint32_t x, uint32_t y, uint32_t width, uint32_t height) { wgpuRenderPassEncoderSetScissorRect(renderPassEncoder, x, y, width, height); }
/* setImmediates (bun-webgpu lacks it; patch_bun_webgpu.py adds it over these). */
EXP void zwgpuRenderPassEncoderSetImmediates(WGPURenderPassEncoder e, uint32_t offset, void const *data, uint64_t size) { wgpuRenderPassEncoderSetImmediates(e, offset, data, (size_t)size); }
EXP void zwgpuComputePassEncoderSetImmediates(WGPUComputePassEncoder e, uint32_t offset, void const *data, uint64_t size) { wgpuComputePassEncoderSetImmediates(e, offset, data, (size_t)size); }
EXP void zwgpuRenderBundleEncoderSetImmediates(WGPURenderBundleEncoder e, uint32_t offset, void const *data, uint64_t size) { wgpuRenderBundleEncoderSetImmediates(e, offset, data, (size_t)size); }
EXP void zwgpuRenderPassEncoderSetStencilReference(WGPURenderPassEncoder renderPassEncoder, uint32_t reference) { wgpuRenderPassEncoderSetStencilReference(renderPassEncoder, reference); }
EXP void zwgpuRenderPassEncoderSetVertexBuffer(WGPURenderPassEncoder renderPassEncoder, uint32_t slot, WGPUBuffer buffer, uint64_t offset, uint64_t size) { wgpuRenderPassEncoderSetVertexBuffer(renderPassEncoder, slot, buffer, offset, size); }
EXP void zwgpuRenderPassEncoderSetViewport(WGPURenderPassEncoder renderPassEncoder, float x, float y, float width, float height, float minDepth, float maxDepth) { wgpuRenderPassEncoderSetViewport(renderPassEncoder, x, y, width, height, minDepth, maxDepth); }
EXP WGPUBindGroupLayout zwgpuRenderPipelineGetBindGroupLayout(WGPURenderPipeline renderPipeline, uint32_t groupIndex) { return wgpuRenderPipelineGetBindGroupLayout(renderPipeline, groupIndex); }
EXP void zwgpuRenderPipelineRelease(WGPURenderPipeline renderPipeline) { wgpuRenderPipelineRelease(renderPipeline); }
EXP void zwgpuSamplerRelease(WGPUSampler sampler) { wgpuSamplerRelease(sampler); }
EXP uint64_t zwgpuShaderModuleGetCompilationInfo(WGPUShaderModule shaderModule, WGPUCompilationInfoCallbackInfo const * callbackInfo) { return wgpuShaderModuleGetCompilationInfo(shaderModule, *callbackInfo).id; }
EXP void zwgpuShaderModuleRelease(WGPUShaderModule shaderModule) { wgpuShaderModuleRelease(shaderModule); }
EXP void zwgpuSupportedFeaturesFreeMembers(WGPUSupportedFeatures const * supportedFeatures) { wgpuSupportedFeaturesFreeMembers(*supportedFeatures); }
EXP void zwgpuSupportedWGSLLanguageFeaturesFreeMembers(WGPUSupportedWGSLLanguageFeatures const * supportedWGSLLanguageFeatures) { wgpuSupportedWGSLLanguageFeaturesFreeMembers(*supportedWGSLLanguageFeatures); }
EXP void zwgpuSurfaceCapabilitiesFreeMembers(WGPUSurfaceCapabilities const * surfaceCapabilities) { wgpuSurfaceCapabilitiesFreeMembers(*surfaceCapabilities); }
EXP void zwgpuSurfaceConfigure(WGPUSurface surface, WGPUSurfaceConfiguration const * config) { wgpuSurfaceConfigure(surface, config); }
EXP void zwgpuSurfaceGetCurrentTexture(WGPUSurface surface, WGPUSurfaceTexture * surfaceTexture) { wgpuSurfaceGetCurrentTexture(surface, surfaceTexture); }
EXP WGPUStatus zwgpuSurfacePresent(WGPUSurface surface) { return wgpuSurfacePresent(surface); }
EXP void zwgpuSurfaceRelease(WGPUSurface surface) { wgpuSurfaceRelease(surface); }
EXP void zwgpuSurfaceUnconfigure(WGPUSurface surface) { wgpuSurfaceUnconfigure(surface); }
EXP WGPUTextureView zwgpuTextureCreateView(WGPUTexture texture, WGPUTextureViewDescriptor const * descriptor) { return wgpuTextureCreateView(texture, descriptor); }
EXP void zwgpuTextureDestroy(WGPUTexture texture) { wgpuTextureDestroy(texture); }
EXP void zwgpuTextureRelease(WGPUTexture texture) { wgpuTextureRelease(texture); }
EXP void zwgpuTextureViewRelease(WGPUTextureView textureView) { wgpuTextureViewRelease(textureView); }

/* ---- bridged by hand ---- */
EXP WGPUInstance zwgpuCreateInstance(WGPUInstanceDescriptor const * descriptor) {
    WGPUInstance i = wgpuCreateInstance(descriptor);
    if (i) g_instance = i;
    return i;
}

/* Dawn's wgpuDeviceTick: here, process the instance's events (wgpu-core polls its devices). */
EXP void zwgpuDeviceTick(WGPUDevice device) {
    (void)device;
    if (g_instance) wgpuInstanceProcessEvents(g_instance);
}

/* Dawn's wgpuDeviceInjectError has no webgpu.h counterpart. bun-webgpu uses it only for
 * validation errors it detects in TypeScript; raise a real validation error instead (a
 * buffer with usage 0 is invalid), labelled with the message. */
EXP void zwgpuDeviceInjectError(WGPUDevice device, uint32_t type, WGPUStringView const * message) {
    (void)type;
    WGPUBufferDescriptor d;
    memset(&d, 0, sizeof d);
    if (message) d.label = *message;
    d.usage = 0;
    d.size = 4;
    WGPUBuffer b = wgpuDeviceCreateBuffer(device, &d);
    if (b) wgpuBufferRelease(b);
}

/* Dawn-only synchronous device creation; bun-webgpu never calls it. */
EXP WGPUDevice zwgpuAdapterCreateDevice(WGPUAdapter adapter, WGPUDeviceDescriptor const * descriptor) {
    (void)adapter; (void)descriptor;
    return NULL;
}
EXP void zwgpuSharedBufferMemoryEndAccessStateFreeMembers(void const * v) { (void)v; }
EXP void zwgpuSharedTextureMemoryEndAccessStateFreeMembers(void const * v) { (void)v; }

/* The caller passes {capacity, array it owns}; copy the library's list into it. */
typedef struct { size_t count; uint32_t * items; } JsList;
static void copy_list(JsList * js, size_t n, uint32_t const * src) {
    size_t cap = js->count;
    if (n > cap) n = cap;
    if (n && js->items && src) memcpy(js->items, src, n * sizeof(uint32_t));
    js->count = n;
    if (!n) js->items = NULL;
}
EXP void zwgpuAdapterGetFeatures(WGPUAdapter adapter, JsList * js) {
    WGPUSupportedFeatures f;
    memset(&f, 0, sizeof f);
    wgpuAdapterGetFeatures(adapter, &f);
    copy_list(js, f.featureCount, (uint32_t const *)f.features);
    wgpuSupportedFeaturesFreeMembers(f);
}
EXP void zwgpuDeviceGetFeatures(WGPUDevice device, JsList * js) {
    WGPUSupportedFeatures f;
    memset(&f, 0, sizeof f);
    wgpuDeviceGetFeatures(device, &f);
    copy_list(js, f.featureCount, (uint32_t const *)f.features);
    wgpuSupportedFeaturesFreeMembers(f);
}
EXP WGPUStatus zwgpuInstanceGetWGSLLanguageFeatures(WGPUInstance instance, JsList * js) {
    WGPUSupportedWGSLLanguageFeatures f;
    memset(&f, 0, sizeof f);
    wgpuInstanceGetWGSLLanguageFeatures(instance, &f);
    copy_list(js, f.featureCount, (uint32_t const *)f.features);
    wgpuSupportedWGSLLanguageFeaturesFreeMembers(f);
    return WGPUStatus_Success;
}

/* bun-webgpu's WGPULimits: webgpu.h's, then 4 x u32 (the 2025 Dawn layout). */
typedef struct {
    WGPULimits core;
    uint32_t maxStorageBuffersInVertexStage;
    uint32_t maxStorageTexturesInVertexStage;
    uint32_t maxStorageBuffersInFragmentStage;
    uint32_t maxStorageTexturesInFragmentStage;
} JsLimits;
static void fill_limits(JsLimits * js, WGPULimits const * l, WGPUCompatibilityModeLimits const * c, bool have_c) {
    js->core = *l;
    js->core.nextInChain = NULL;
    js->maxStorageBuffersInVertexStage = have_c && c->maxStorageBuffersInVertexStage ? c->maxStorageBuffersInVertexStage : l->maxStorageBuffersPerShaderStage;
    js->maxStorageTexturesInVertexStage = have_c && c->maxStorageTexturesInVertexStage ? c->maxStorageTexturesInVertexStage : l->maxStorageTexturesPerShaderStage;
    js->maxStorageBuffersInFragmentStage = have_c && c->maxStorageBuffersInFragmentStage ? c->maxStorageBuffersInFragmentStage : l->maxStorageBuffersPerShaderStage;
    js->maxStorageTexturesInFragmentStage = have_c && c->maxStorageTexturesInFragmentStage ? c->maxStorageTexturesInFragmentStage : l->maxStorageTexturesPerShaderStage;
}
#define GET_LIMITS(FN, OBJ)                                                         \
    WGPULimits l;                                                                   \
    WGPUCompatibilityModeLimits c;                                                  \
    memset(&l, 0, sizeof l);                                                        \
    memset(&c, 0, sizeof c);                                                        \
    c.chain.sType = WGPUSType_CompatibilityModeLimits;                              \
    l.nextInChain = &c.chain;                                                       \
    WGPUStatus s = FN(OBJ, &l);                                                     \
    bool have_c = true;                                                             \
    if (s != WGPUStatus_Success) {                                                  \
        memset(&l, 0, sizeof l);                                                    \
        have_c = false;                                                             \
        s = FN(OBJ, &l);                                                            \
    }                                                                               \
    if (s == WGPUStatus_Success) fill_limits(js, &l, &c, have_c);                   \
    return s;
/* A device request: bun-webgpu's requiredLimits carry the 4 storage-in-stage limits
 * after WGPULimits; webgpu.h chains them as WGPUCompatibilityModeLimits. */
EXP uint64_t zwgpuAdapterRequestDevice(WGPUAdapter adapter, WGPUDeviceDescriptor const * descriptor, WGPURequestDeviceCallbackInfo const * callbackInfo) {
    if (!descriptor || !descriptor->requiredLimits) return wgpuAdapterRequestDevice(adapter, descriptor, *callbackInfo).id;
    JsLimits const * js = (JsLimits const *)descriptor->requiredLimits;
    WGPUCompatibilityModeLimits c;
    memset(&c, 0, sizeof c);
    c.chain.sType = WGPUSType_CompatibilityModeLimits;
    c.maxStorageBuffersInVertexStage = js->maxStorageBuffersInVertexStage;
    c.maxStorageTexturesInVertexStage = js->maxStorageTexturesInVertexStage;
    c.maxStorageBuffersInFragmentStage = js->maxStorageBuffersInFragmentStage;
    c.maxStorageTexturesInFragmentStage = js->maxStorageTexturesInFragmentStage;
    WGPULimits l = js->core;
    l.nextInChain = &c.chain;
    WGPUDeviceDescriptor d = *descriptor;
    d.requiredLimits = &l;
    return wgpuAdapterRequestDevice(adapter, &d, *callbackInfo).id;
}
EXP WGPUStatus zwgpuAdapterGetLimits(WGPUAdapter adapter, JsLimits * js) { GET_LIMITS(wgpuAdapterGetLimits, adapter) }
EXP WGPUStatus zwgpuDeviceGetLimits(WGPUDevice device, JsLimits * js) { GET_LIMITS(wgpuDeviceGetLimits, device) }
