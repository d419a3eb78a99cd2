// CHECK for the C++ tests: a failed condition is printed with its place and counted in
// `failures`, and the test goes on (each program returns non-zero if any failed).
#ifndef CTESTS_CHECK_HPP_
#define CTESTS_CHECK_HPP_

#include <cstdio>

static int failures = 0;
#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

#endif  // CTESTS_CHECK_HPP_
