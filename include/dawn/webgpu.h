/* Dawn's path for the standard header: the same <webgpu/webgpu.h>. */
#include <webgpu/webgpu.h>
