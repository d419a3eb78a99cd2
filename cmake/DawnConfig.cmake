# find_package(Dawn) for programs written against Dawn: this library under Dawn's
# package name, so that a Dawn-based CMake project switches to it by
# CMAKE_PREFIX_PATH alone. It gives:
#   dawn::webgpu_dawn   the shared library (WebGPUShim::webgpu_shim), with the include
#                       directory: <webgpu/webgpu.h>, <webgpu/webgpu_cpp.h>, and
#                       Dawn's <dawn/webgpu.h>, <dawn/webgpu_cpp.h>
#   dawn::dawn_glfw     <webgpu/webgpu_glfw.h> (header-only here; the program links
#                       GLFW itself, as it does to make its windows)
include(CMakeFindDependencyMacro)
find_dependency(WebGPUShim CONFIG PATHS "${CMAKE_CURRENT_LIST_DIR}/../WebGPUShim" NO_DEFAULT_PATH)
if(NOT TARGET dawn::webgpu_dawn)
    add_library(dawn::webgpu_dawn INTERFACE IMPORTED)
    set_target_properties(dawn::webgpu_dawn PROPERTIES
        INTERFACE_LINK_LIBRARIES WebGPUShim::webgpu_shim)
endif()
if(NOT TARGET dawn::dawn_glfw)
    add_library(dawn::dawn_glfw INTERFACE IMPORTED)
    set_target_properties(dawn::dawn_glfw PROPERTIES
        INTERFACE_LINK_LIBRARIES dawn::webgpu_dawn)
endif()
