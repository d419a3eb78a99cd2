# find_package(Dawn) for programs written against Dawn: this library under Dawn's
# package name, so that a Dawn-based CMake project switches to it by
# CMAKE_PREFIX_PATH alone. It gives:
#   dawn::webgpu_dawn   the shared library (WebGPUShim::webgpu_shim), with the include
#                       directory: <webgpu/webgpu.h>, <webgpu/webgpu_cpp.h>, and
#                       Dawn's <dawn/webgpu.h>, <dawn/webgpu_cpp.h>
include(CMakeFindDependencyMacro)
find_dependency(WebGPUShim CONFIG PATHS "${CMAKE_CURRENT_LIST_DIR}/../WebGPUShim" NO_DEFAULT_PATH)
if(NOT TARGET dawn::webgpu_dawn)
    add_library(dawn::webgpu_dawn INTERFACE IMPORTED)
    set_target_properties(dawn::webgpu_dawn PROPERTIES
        INTERFACE_LINK_LIBRARIES WebGPUShim::webgpu_shim)
endif()
