/* A Vulkan layer for tests, between wgpu-hal and the driver. Enabled with
 * VK_LAYER_PATH=<the folder of vulkan_test_layer.json> and
 * VK_INSTANCE_LAYERS=VK_LAYER_WEBGPU_SHIM_test; then, by environment variable:
 * - WEBGPU_SHIM_TEST_SPIRV_DIR: the SPIR-V of every vkCreateShaderModule, as the
 *   driver receives it, is written there as NNNN.spv;
 * - WEBGPU_SHIM_TEST_FAIL_ENTRY_POINT: creating a compute or graphics pipeline with
 *   a stage of that entry point name fails with VK_ERROR_UNKNOWN, as a driver's
 *   compiler can;
 * - WEBGPU_SHIM_TEST_FAIL_BUFFER_SIZE: creating a buffer of that size fails with
 *   VK_ERROR_UNKNOWN;
 * - WEBGPU_SHIM_TEST_LOG_RESULTS: every compute pipeline creation and queue submission
 *   that does not succeed is printed to stderr with its VkResult (and the pipeline's
 *   entry point and the number of the SPIR-V capture it was made from), to find which
 *   driver call a program's device loss comes from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#define EXPORT __attribute__((visibility("default")))

static PFN_vkGetInstanceProcAddr next_instance_proc;
/* The tests make few devices: a small table of each device's next functions. */
#define DEVICES 16
static struct {
    VkDevice device;
    PFN_vkGetDeviceProcAddr proc;
    PFN_vkCreateShaderModule create_shader_module;
    PFN_vkCreateComputePipelines create_compute_pipelines;
    PFN_vkCreateGraphicsPipelines create_graphics_pipelines;
    PFN_vkCreateBuffer create_buffer;
} devices[DEVICES];
static int captured;
/* Queue and semaphore calls are found by the first device's next functions: the tests
 * and the programs diagnosed with this layer use one driver. */
static PFN_vkQueueSubmit queue_submit;
static PFN_vkWaitSemaphores wait_semaphores;
static PFN_vkGetSemaphoreCounterValue semaphore_counter_value;

/* Reports a driver call that did not succeed, when WEBGPU_SHIM_TEST_LOG_RESULTS is set. */
static VkResult logged(const char *call, VkResult r) {
    if (r != VK_SUCCESS && r != VK_TIMEOUT && getenv("WEBGPU_SHIM_TEST_LOG_RESULTS"))
        fprintf(stderr, "vulkan_test_layer: %s = %d\n", call, (int)r);
    return r;
}

static int device_index(VkDevice device) {
    for (int i = 0; i < DEVICES; i++)
        if (devices[i].device == device) return i;
    return -1;
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_CreateShaderModule(VkDevice device, const VkShaderModuleCreateInfo *info,
                                                                 const VkAllocationCallbacks *allocator,
                                                                 VkShaderModule *module) {
    const char *dir = getenv("WEBGPU_SHIM_TEST_SPIRV_DIR");
    if (dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%04d.spv", dir, captured++);
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(info->pCode, 1, info->codeSize, f);
            fclose(f);
        }
    }
    int i = device_index(device);
    return i < 0 ? VK_ERROR_INITIALIZATION_FAILED : devices[i].create_shader_module(device, info, allocator, module);
}

/* Whether a stage is to fail. */
static int failing(const VkPipelineShaderStageCreateInfo *stage) {
    const char *name = getenv("WEBGPU_SHIM_TEST_FAIL_ENTRY_POINT");
    return name && stage->pName && !strcmp(stage->pName, name);
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_CreateComputePipelines(VkDevice device, VkPipelineCache cache,
                                                                     uint32_t count,
                                                                     const VkComputePipelineCreateInfo *infos,
                                                                     const VkAllocationCallbacks *allocator,
                                                                     VkPipeline *pipelines) {
    for (uint32_t i = 0; i < count; i++) {
        if (failing(&infos[i].stage)) {
            for (uint32_t j = 0; j < count; j++) pipelines[j] = VK_NULL_HANDLE;
            return VK_ERROR_UNKNOWN;
        }
    }
    int i = device_index(device);
    if (i < 0) return VK_ERROR_INITIALIZATION_FAILED;
    VkResult r = devices[i].create_compute_pipelines(device, cache, count, infos, allocator, pipelines);
    if (r != VK_SUCCESS && getenv("WEBGPU_SHIM_TEST_LOG_RESULTS"))
        fprintf(stderr, "vulkan_test_layer: vkCreateComputePipelines(%s) = %d (last SPIR-V capture %04d)\n",
                infos[0].stage.pName, (int)r, captured - 1);
    return r;
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_QueueSubmit(VkQueue queue, uint32_t count, const VkSubmitInfo *submits,
                                                          VkFence fence) {
    return logged("vkQueueSubmit", queue_submit(queue, count, submits, fence));
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_WaitSemaphores(VkDevice device, const VkSemaphoreWaitInfo *info,
                                                             uint64_t timeout) {
    return logged("vkWaitSemaphores", wait_semaphores(device, info, timeout));
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_GetSemaphoreCounterValue(VkDevice device, VkSemaphore semaphore,
                                                                       uint64_t *value) {
    return logged("vkGetSemaphoreCounterValue", semaphore_counter_value(device, semaphore, value));
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_CreateGraphicsPipelines(VkDevice device, VkPipelineCache cache,
                                                                      uint32_t count,
                                                                      const VkGraphicsPipelineCreateInfo *infos,
                                                                      const VkAllocationCallbacks *allocator,
                                                                      VkPipeline *pipelines) {
    for (uint32_t i = 0; i < count; i++) {
        for (uint32_t s = 0; s < infos[i].stageCount; s++) {
            if (failing(&infos[i].pStages[s])) {
                for (uint32_t j = 0; j < count; j++) pipelines[j] = VK_NULL_HANDLE;
                return VK_ERROR_UNKNOWN;
            }
        }
    }
    int i = device_index(device);
    return i < 0 ? VK_ERROR_INITIALIZATION_FAILED
                 : devices[i].create_graphics_pipelines(device, cache, count, infos, allocator, pipelines);
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_CreateBuffer(VkDevice device, const VkBufferCreateInfo *info,
                                                           const VkAllocationCallbacks *allocator, VkBuffer *buffer) {
    const char *size = getenv("WEBGPU_SHIM_TEST_FAIL_BUFFER_SIZE");
    if (size && info->size == (VkDeviceSize)strtoull(size, NULL, 10)) return VK_ERROR_UNKNOWN;
    int i = device_index(device);
    return i < 0 ? VK_ERROR_INITIALIZATION_FAILED : devices[i].create_buffer(device, info, allocator, buffer);
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_CreateInstance(const VkInstanceCreateInfo *info,
                                                             const VkAllocationCallbacks *allocator,
                                                             VkInstance *instance) {
    VkLayerInstanceCreateInfo *link = (VkLayerInstanceCreateInfo *)info->pNext;
    while (link && !(link->sType == VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO && link->function == VK_LAYER_LINK_INFO))
        link = (VkLayerInstanceCreateInfo *)link->pNext;
    if (!link) return VK_ERROR_INITIALIZATION_FAILED;
    PFN_vkGetInstanceProcAddr next = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
    link->u.pLayerInfo = link->u.pLayerInfo->pNext;
    PFN_vkCreateInstance create = (PFN_vkCreateInstance)next(VK_NULL_HANDLE, "vkCreateInstance");
    VkResult r = create(info, allocator, instance);
    if (r == VK_SUCCESS) next_instance_proc = next;
    return r;
}

static VKAPI_ATTR VkResult VKAPI_CALL capture_CreateDevice(VkPhysicalDevice physical, const VkDeviceCreateInfo *info,
                                                           const VkAllocationCallbacks *allocator, VkDevice *device) {
    VkLayerDeviceCreateInfo *link = (VkLayerDeviceCreateInfo *)info->pNext;
    while (link && !(link->sType == VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO && link->function == VK_LAYER_LINK_INFO))
        link = (VkLayerDeviceCreateInfo *)link->pNext;
    if (!link) return VK_ERROR_INITIALIZATION_FAILED;
    PFN_vkGetInstanceProcAddr next_instance = link->u.pLayerInfo->pfnNextGetInstanceProcAddr;
    PFN_vkGetDeviceProcAddr next_device = link->u.pLayerInfo->pfnNextGetDeviceProcAddr;
    link->u.pLayerInfo = link->u.pLayerInfo->pNext;
    PFN_vkCreateDevice create = (PFN_vkCreateDevice)next_instance(VK_NULL_HANDLE, "vkCreateDevice");
    VkResult r = create(physical, info, allocator, device);
    if (r != VK_SUCCESS) return r;
    int i = device_index(VK_NULL_HANDLE);
    if (i < 0) return VK_ERROR_TOO_MANY_OBJECTS;
    devices[i].device = *device;
    devices[i].proc = next_device;
    devices[i].create_shader_module = (PFN_vkCreateShaderModule)next_device(*device, "vkCreateShaderModule");
    devices[i].create_compute_pipelines =
        (PFN_vkCreateComputePipelines)next_device(*device, "vkCreateComputePipelines");
    devices[i].create_graphics_pipelines =
        (PFN_vkCreateGraphicsPipelines)next_device(*device, "vkCreateGraphicsPipelines");
    devices[i].create_buffer = (PFN_vkCreateBuffer)next_device(*device, "vkCreateBuffer");
    if (!queue_submit) {
        queue_submit = (PFN_vkQueueSubmit)next_device(*device, "vkQueueSubmit");
        wait_semaphores = (PFN_vkWaitSemaphores)next_device(*device, "vkWaitSemaphores");
        if (!wait_semaphores) wait_semaphores = (PFN_vkWaitSemaphores)next_device(*device, "vkWaitSemaphoresKHR");
        semaphore_counter_value = (PFN_vkGetSemaphoreCounterValue)next_device(*device, "vkGetSemaphoreCounterValue");
        if (!semaphore_counter_value)
            semaphore_counter_value =
                (PFN_vkGetSemaphoreCounterValue)next_device(*device, "vkGetSemaphoreCounterValueKHR");
    }
    return VK_SUCCESS;
}

static VKAPI_ATTR void VKAPI_CALL capture_DestroyDevice(VkDevice device, const VkAllocationCallbacks *allocator) {
    int i = device_index(device);
    if (i < 0) return;
    PFN_vkDestroyDevice destroy = (PFN_vkDestroyDevice)devices[i].proc(device, "vkDestroyDevice");
    devices[i].device = VK_NULL_HANDLE;
    destroy(device, allocator);
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL capture_GetDeviceProcAddr(VkDevice device, const char *name);

/* This layer's function of a device-level name, or NULL where the layer has none. */
static PFN_vkVoidFunction device_function(const char *name) {
    if (!strcmp(name, "vkQueueSubmit") && queue_submit) return (PFN_vkVoidFunction)capture_QueueSubmit;
    if ((!strcmp(name, "vkWaitSemaphores") || !strcmp(name, "vkWaitSemaphoresKHR")) && wait_semaphores)
        return (PFN_vkVoidFunction)capture_WaitSemaphores;
    if ((!strcmp(name, "vkGetSemaphoreCounterValue") || !strcmp(name, "vkGetSemaphoreCounterValueKHR")) &&
        semaphore_counter_value)
        return (PFN_vkVoidFunction)capture_GetSemaphoreCounterValue;
    if (!strcmp(name, "vkCreateShaderModule")) return (PFN_vkVoidFunction)capture_CreateShaderModule;
    if (!strcmp(name, "vkDestroyDevice")) return (PFN_vkVoidFunction)capture_DestroyDevice;
    if (!strcmp(name, "vkGetDeviceProcAddr")) return (PFN_vkVoidFunction)capture_GetDeviceProcAddr;
    if (!strcmp(name, "vkCreateComputePipelines")) return (PFN_vkVoidFunction)capture_CreateComputePipelines;
    if (!strcmp(name, "vkCreateGraphicsPipelines")) return (PFN_vkVoidFunction)capture_CreateGraphicsPipelines;
    if (!strcmp(name, "vkCreateBuffer")) return (PFN_vkVoidFunction)capture_CreateBuffer;
    return NULL;
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL capture_GetDeviceProcAddr(VkDevice device, const char *name) {
    PFN_vkVoidFunction mine = device_function(name);
    if (mine) return mine;
    int i = device_index(device);
    return i < 0 ? NULL : devices[i].proc(device, name);
}

static VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL capture_GetInstanceProcAddr(VkInstance instance, const char *name) {
    if (!strcmp(name, "vkCreateInstance")) return (PFN_vkVoidFunction)capture_CreateInstance;
    if (!strcmp(name, "vkCreateDevice")) return (PFN_vkVoidFunction)capture_CreateDevice;
    if (!strcmp(name, "vkGetInstanceProcAddr")) return (PFN_vkVoidFunction)capture_GetInstanceProcAddr;
    PFN_vkVoidFunction mine = device_function(name);
    if (mine) return mine;
    return next_instance_proc ? next_instance_proc(instance, name) : NULL;
}

EXPORT VKAPI_ATTR VkResult VKAPI_CALL vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface *v) {
    if (v->loaderLayerInterfaceVersion < 2) return VK_ERROR_INITIALIZATION_FAILED;
    v->loaderLayerInterfaceVersion = 2;
    v->pfnGetInstanceProcAddr = capture_GetInstanceProcAddr;
    v->pfnGetDeviceProcAddr = capture_GetDeviceProcAddr;
    v->pfnGetPhysicalDeviceProcAddr = NULL;
    return VK_SUCCESS;
}
