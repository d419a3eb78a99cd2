/* Dawn's path for the C++ header: the same <webgpu/webgpu_cpp.h>. */
#include <webgpu/webgpu_cpp.h>
