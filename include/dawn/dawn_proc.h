/* Dawn's dawn_proc.h for hosts written against dawn::native. With Dawn, the wgpu*
 * functions a program calls forward through a table the host installs with
 * dawnProcSetProcs(); here they are the library's own functions, so installing a
 * table changes nothing (and a program that calls it builds and runs unchanged). */
#ifndef DAWN_DAWN_PROC_H_
#define DAWN_DAWN_PROC_H_

#include "dawn/dawn_proc_table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Accepted and ignored: every wgpu* function is already this library's. */
static inline void dawnProcSetProcs(const DawnProcTable* procs) {
    (void)procs;
}

#ifdef __cplusplus
}
#endif

#endif /* DAWN_DAWN_PROC_H_ */
