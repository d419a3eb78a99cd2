//! What every object of an instance shares: wgpu-core's `Global`, the future queue,
//! the instance's options, and its devices (which `ProcessEvents` polls). The ground
//! floor: objects reach wgpu-core and the futures through it, and it calls nothing but
//! them and the devices' poll.

use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::Mutex;

use crate::future::Futures;

pub struct Context {
    pub global: wgc::global::Global,
    pub futures: Futures,
    /// Whether the instance was made with the TimedWaitAny feature.
    pub timed_wait_any: bool,
    /// The backends the instance was made with, for adapter enumeration.
    pub backends: wgt::Backends,
    devices: Mutex<Vec<Weak<crate::device::Device>>>,
}

impl Context {
    pub fn new(global: wgc::global::Global, timed_wait_any: bool, backends: wgt::Backends) -> Self {
        Context {
            global,
            futures: Futures::default(),
            timed_wait_any,
            backends,
            devices: Mutex::new(Vec::new()),
        }
    }

    pub fn add_device(&self, device: &Arc<crate::device::Device>) {
        let mut devices = self.devices.lock();
        devices.retain(|d| d.strong_count() > 0);
        devices.push(Arc::downgrade(device));
    }

    fn devices(&self) -> Vec<Arc<crate::device::Device>> {
        self.devices
            .lock()
            .iter()
            .filter_map(Weak::upgrade)
            .collect()
    }

    /// `wgpuInstanceProcessEvents` (and Dawn's `wgpuDeviceTick`): every device's
    /// finished work is collected, then the callbacks that may fire here fire.
    pub fn process_events(&self) {
        for device in self.devices() {
            device.poll(Some(Duration::ZERO));
        }
        self.futures.process_events();
    }
}
