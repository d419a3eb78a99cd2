// Dawn's include path, then the C++ hello world as it is.
#include <dawn/webgpu_cpp.h>

#include "../../../examples/hello_compute.cpp"
