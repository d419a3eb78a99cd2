//! Where log records go: a C callback set with `wgpuShimSetLogCallback`, or stderr
//! when `WEBGPU_SHIM_LOG` names a level. Installed once, the first time the library
//! is used.

use std::ffi::c_void;
use std::sync::{Once, OnceLock};

use parking_lot::RwLock;

use crate::extensions::*;
use crate::future::Sendable;

struct Sink {
    callback: Sendable<(WGPUShimLogCallback, *mut c_void)>,
    level: log::LevelFilter,
}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static INSTALL: Once = Once::new();

struct Logger;

static LOGGER: Logger = Logger;

/// The level `WEBGPU_SHIM_LOG` asks for on stderr.
fn stderr_level() -> log::LevelFilter {
    static LEVEL: OnceLock<log::LevelFilter> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        std::env::var("WEBGPU_SHIM_LOG")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(log::LevelFilter::Off)
    })
}

fn filter(level: WGPUShimLogLevel) -> log::LevelFilter {
    match level {
        WGPUShimLogLevel_Off => log::LevelFilter::Off,
        WGPUShimLogLevel_Error => log::LevelFilter::Error,
        WGPUShimLogLevel_Warn => log::LevelFilter::Warn,
        WGPUShimLogLevel_Info => log::LevelFilter::Info,
        WGPUShimLogLevel_Debug => log::LevelFilter::Debug,
        // Anything above Debug means everything.
        _ => log::LevelFilter::Trace,
    }
}

fn c_level(level: log::Level) -> WGPUShimLogLevel {
    match level {
        log::Level::Error => WGPUShimLogLevel_Error,
        log::Level::Warn => WGPUShimLogLevel_Warn,
        log::Level::Info => WGPUShimLogLevel_Info,
        log::Level::Debug => WGPUShimLogLevel_Debug,
        log::Level::Trace => WGPUShimLogLevel_Trace,
    }
}

type Forward = Box<dyn Fn(log::Level, &str)>;

thread_local! {
    /// Where this thread's errors and warnings go instead (a GPU-process session:
    /// to its client, whose host's log callback gets them).
    static FORWARD: std::cell::RefCell<Option<Forward>> = const { std::cell::RefCell::new(None) };
}

/// Sends this thread's errors and warnings to `f` from now on (None: stop).
pub fn forward(f: Option<Forward>) {
    FORWARD.with(|slot| *slot.borrow_mut() = f);
    if FORWARD.with(|slot| slot.borrow().is_some()) {
        log::set_max_level(log::max_level().max(log::LevelFilter::Warn));
    }
}

fn forwarded(record: &log::Record) -> bool {
    record.level() <= log::Level::Warn
        && FORWARD
            .try_with(|slot| match slot.try_borrow().ok().as_deref() {
                Some(Some(f)) => {
                    f(record.level(), &format!("{}", record.args()));
                    true
                }
                _ => false,
            })
            .unwrap_or(false)
}

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Warn
            && FORWARD
                .try_with(|slot| slot.try_borrow().is_ok_and(|f| f.is_some()))
                .unwrap_or(false)
            || metadata.level() <= stderr_level()
            || SINK
                .read()
                .as_ref()
                .is_some_and(|s| metadata.level() <= s.level)
    }

    fn log(&self, record: &log::Record) {
        if forwarded(record) {
            return;
        }
        let sink = SINK.read();
        match sink.as_ref() {
            Some(s) if record.level() <= s.level => {
                let (callback, userdata) = s.callback.0;
                if let Some(f) = callback {
                    let text = format!("{}", record.args());
                    // SAFETY: the C callback with the caller's own userdata; `text`
                    // outlives the call.
                    unsafe {
                        f(
                            c_level(record.level()),
                            crate::conv::to_string_view(&text),
                            userdata,
                        )
                    }
                }
            }
            Some(_) => {}
            None if record.level() <= stderr_level() => {
                eprintln!(
                    "[webgpu-shim {} {}] {}",
                    record.level(),
                    record.target(),
                    record.args()
                )
            }
            None => {}
        }
    }

    fn flush(&self) {}
}

/// Installs the logger, unless the host installed a `log` logger of its own.
pub fn install() {
    INSTALL.call_once(|| {
        crate::guard::install_panic_hook();
        if log::set_logger(&LOGGER).is_ok() {
            // Records nobody listens for cost one comparison at the call site.
            log::set_max_level(stderr_level());
        }
    });
}

pub fn set_callback(callback: WGPUShimLogCallback, level: WGPUShimLogLevel, userdata: *mut c_void) {
    install();
    let sink = callback.map(|_| Sink {
        callback: Sendable((callback, userdata)),
        level: filter(level),
    });
    let wanted = sink.as_ref().map_or(log::LevelFilter::Off, |s| s.level);
    *SINK.write() = sink;
    log::set_max_level(wanted.max(stderr_level()));
}
