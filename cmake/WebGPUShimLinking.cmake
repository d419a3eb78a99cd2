# What linking webgpu-shim takes, shared by the build tree (CMakeLists.txt) and the
# installed package (WebGPUShimConfig.cmake): the system libraries the static library
# needs (Rust's standard library calls into them), and the function that declares the
# imported targets WebGPUShim::webgpu_shim and WebGPUShim::webgpu_shim_static.

include_guard(GLOBAL)
include(CMakeFindDependencyMacro)
find_dependency(Threads)

# `rustc --print native-static-libs` for each platform, as CMake link items and as
# linker flags (for pkg-config).
if(APPLE)
    set(WEBGPU_SHIM_STATIC_DEPENDENCIES
        "-framework Metal" "-framework QuartzCore" "-framework CoreGraphics"
        "-framework Foundation" objc c++ Threads::Threads m)
    set(WEBGPU_SHIM_STATIC_LINK_FLAGS
        -framework Metal -framework QuartzCore -framework CoreGraphics -framework Foundation
        -lobjc -lc++ -lpthread -lm)
elseif(WIN32)
    set(WEBGPU_SHIM_STATIC_DEPENDENCIES
        kernel32 advapi32 ntdll userenv ws2_32 dbghelp d3d12 dxgi d3dcompiler user32 gdi32 opengl32 ole32 oleaut32 bcrypt)
    set(WEBGPU_SHIM_STATIC_LINK_FLAGS
        -lkernel32 -ladvapi32 -lntdll -luserenv -lws2_32 -ldbghelp -ld3d12 -ldxgi -ld3dcompiler -luser32 -lgdi32 -lopengl32 -lole32 -loleaut32 -lbcrypt)
else()
    set(WEBGPU_SHIM_STATIC_DEPENDENCIES Threads::Threads ${CMAKE_DL_LIBS} m rt util)
    set(WEBGPU_SHIM_STATIC_LINK_FLAGS -lpthread -ldl -lm -lrt -lutil)
endif()

# webgpu_shim_add_targets(SHARED_LOCATION <file> STATIC_LOCATION <file>
#                         INCLUDE_DIR <dir> [SONAME <name>] [GLOBAL])
# Declares WebGPUShim::webgpu_shim and WebGPUShim::webgpu_shim_static (ALIASes of
# WebGPUShim_webgpu_shim and WebGPUShim_webgpu_shim_static, which take
# add_dependencies) over the given files.
function(webgpu_shim_add_targets)
    cmake_parse_arguments(ARG "GLOBAL" "SHARED_LOCATION;STATIC_LOCATION;INCLUDE_DIR;SONAME" "" ${ARGN})
    set(scope)
    if(ARG_GLOBAL)
        set(scope GLOBAL)
    endif()
    add_library(WebGPUShim_webgpu_shim SHARED IMPORTED ${scope})
    set_target_properties(WebGPUShim_webgpu_shim PROPERTIES
        IMPORTED_LOCATION ${ARG_SHARED_LOCATION}
        INTERFACE_INCLUDE_DIRECTORIES ${ARG_INCLUDE_DIR})
    if(ARG_SONAME)
        set_target_properties(WebGPUShim_webgpu_shim PROPERTIES IMPORTED_SONAME ${ARG_SONAME})
    endif()
    if(WIN32)
        # cargo writes the import library beside the DLL.
        set_target_properties(WebGPUShim_webgpu_shim PROPERTIES IMPORTED_IMPLIB ${ARG_SHARED_LOCATION}.lib)
    endif()
    add_library(WebGPUShim_webgpu_shim_static STATIC IMPORTED ${scope})
    set_target_properties(WebGPUShim_webgpu_shim_static PROPERTIES
        IMPORTED_LOCATION ${ARG_STATIC_LOCATION}
        INTERFACE_INCLUDE_DIRECTORIES ${ARG_INCLUDE_DIR}
        INTERFACE_LINK_LIBRARIES "${WEBGPU_SHIM_STATIC_DEPENDENCIES}")
    if(ARG_GLOBAL OR CMAKE_VERSION VERSION_GREATER_EQUAL 3.18)
        add_library(WebGPUShim::webgpu_shim ALIAS WebGPUShim_webgpu_shim)
        add_library(WebGPUShim::webgpu_shim_static ALIAS WebGPUShim_webgpu_shim_static)
    endif()
endfunction()
