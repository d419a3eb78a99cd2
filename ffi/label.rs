//! Labels. wgpu-core fixes a resource's label at creation and names resources by it
//! in its error messages, but webgpu.h lets `wgpu*SetLabel` change it later. So each
//! resource's label goes to wgpu-core with a hidden suffix, a unit separator and a
//! serial number ([`Name`]); when an error is reported, [`rewrite`] turns every
//! suffixed label back into the object's current one: its creation label, or what
//! `SetLabel` set since (kept in the device's map while the object lives).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::conv;
use crate::device::Device;
use crate::generated::types::WGPUStringView;
use crate::handle::{Handle, Object};

/// Separates a label from its serial; no label a person writes contains it.
const MARK: char = '\u{1f}';

/// A resource's identity in wgpu-core's messages.
#[derive(Debug)]
pub struct Name {
    serial: u64,
    /// The label given at creation.
    original: Box<str>,
    renamed: AtomicBool,
}

/// Current labels of renamed objects, by serial: (creation label, current label).
pub type Renames = HashMap<u64, (Box<str>, Box<str>)>;

impl Name {
    /// A name for a new resource, and the label to give wgpu-core for it.
    pub fn new(label: Option<Cow<'_, str>>) -> (Name, Option<Cow<'static, str>>) {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let serial = NEXT.fetch_add(1, Ordering::Relaxed);
        let original: Box<str> = label.as_deref().unwrap_or("").into();
        // Written by hand: this runs at every object's creation.
        let mut tagged = String::with_capacity(original.len() + 1 + 20);
        tagged.push_str(&original);
        tagged.push(MARK);
        let mut digits = [0u8; 20];
        let mut n = serial;
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        tagged.extend(digits[at..].iter().map(|d| *d as char));
        let name = Name {
            serial,
            original,
            renamed: AtomicBool::new(false),
        };
        (name, Some(Cow::Owned(tagged)))
    }

    fn rename(&self, device: &Device, label: &str) {
        device
            .renames
            .lock()
            .insert(self.serial, (self.original.clone(), label.into()));
        self.renamed.store(true, Ordering::Release);
    }

    /// The object is going away: forget its new label, if it had one.
    pub fn forget(&self, device: &Device) {
        if self.renamed.load(Ordering::Acquire) {
            device.renames.lock().remove(&self.serial);
        }
    }
}

/// `message` with every suffixed label replaced by its object's current label.
pub fn rewrite(message: String, renames: &Renames) -> String {
    if !message.contains(MARK) {
        return message;
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message.as_str();
    while let Some(at) = rest.find(MARK) {
        let before = &rest[..at];
        let after = &rest[at + MARK.len_utf8()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let renamed = after[..digits]
            .parse::<u64>()
            .ok()
            .and_then(|s| renames.get(&s));
        match renamed {
            // The creation label stands right before the mark: swap it for the new one.
            Some((original, current)) if before.ends_with(&**original) => {
                out.push_str(&before[..before.len() - original.len()]);
                out.push_str(current);
            }
            _ => out.push_str(before),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// `wgpu*SetLabel`: validates the label and makes it the object's name in messages.
pub unsafe fn set<T: Object>(handle: Handle<T>, label: WGPUStringView) {
    let Some(object) = handle.get_or_log(&format!("wgpu{}SetLabel", &T::NAME[4..])) else {
        return;
    };
    let device = T::device(&object);
    match unsafe { conv::string_view(label) } {
        Ok(l) => {
            let l = l.unwrap_or("");
            if let (Some(name), Some(device)) = (object.name(), device.as_ref()) {
                name.rename(device, l);
            }
            log::debug!("{} {:?} labelled {l:?}", T::NAME, handle);
        }
        Err(e) => {
            let message = format!("wgpu{}SetLabel: {e}", &T::NAME[4..]);
            match device {
                Some(d) => d.validation(message),
                None => log::error!("{message}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unrenamed_label_loses_only_its_suffix() {
        let (_name, tagged) = Name::new(Some("vertices".into()));
        let message = format!("Buffer with '{}' label is invalid", tagged.unwrap());
        assert_eq!(
            rewrite(message, &Renames::new()),
            "Buffer with 'vertices' label is invalid"
        );
    }

    #[test]
    fn a_renamed_label_shows_its_new_name() {
        let (a, ta) = Name::new(Some("a".into()));
        let (_b, tb) = Name::new(None);
        let mut renames = Renames::new();
        renames.insert(a.serial, ("a".into(), "particles".into()));
        let message = format!(
            "Buffer with '{}' label and Texture with '{}' label",
            ta.unwrap(),
            tb.unwrap()
        );
        assert_eq!(
            rewrite(message, &renames),
            "Buffer with 'particles' label and Texture with '' label"
        );
    }

    #[test]
    fn text_without_marks_is_unchanged() {
        let m = "nothing to see".to_string();
        assert_eq!(rewrite(m.clone(), &Renames::new()), m);
    }
}
