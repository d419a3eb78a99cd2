//! Dawn's proc table, `include/dawn/dawn_proc_table.h`.

use std::fmt::Write as _;

use crate::model::*;

impl Api {
    /// `dawn/dawn_proc_table.h`: Dawn's `DawnProcTable`, one member per function, named
    /// as Dawn names them (`wgpuAdapterGetInfo` -> `adapterGetInfo`), in the order of
    /// the API data.
    pub(crate) fn dawn_proc_table(&self) -> String {
        let mut h = String::from(DAWN_PROC_TABLE_PROLOGUE);
        for f in &self.functions {
            let member = camel_of_c_name(&f.c_name);
            writeln!(h, "    {} {member};", f.proc_name).unwrap();
        }
        h.push_str("} DawnProcTable;\n\n");
        h.push_str(
            "/* This library's functions, in the table's order: an initializer for a\n \
             * DawnProcTable (dawn::native::GetProcs uses it). */\n\
             #define WGPU_SHIM_DAWN_PROC_TABLE_INIT { \\\n",
        );
        for f in &self.functions {
            writeln!(h, "    {}, \\", f.c_name).unwrap();
        }
        h.push_str("}\n\n#endif  // DAWN_DAWN_PROC_TABLE_H_\n");
        h
    }
}

pub(crate) const DAWN_PROC_TABLE_PROLOGUE: &str =
    include_str!("../templates/dawn_proc_table.h.prologue");

/// `wgpuAdapterGetInfo` -> `adapterGetInfo`.
pub(crate) fn camel_of_c_name(c_name: &str) -> String {
    let rest = c_name.strip_prefix("wgpu").unwrap_or(c_name);
    let mut c = rest.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
