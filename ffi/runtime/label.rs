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

/// The label wgpu-core gets for one resource: its creation label, [`MARK`], its serial.
/// Short ones (every unlabelled resource's) are built on the stack: this runs at
/// every creation, and wgpu-core copies the label anyway.
pub struct Tag {
    inline: [u8; Tag::INLINE],
    len: usize,
    long: String,
}

impl Tag {
    const INLINE: usize = 64;

    fn new(label: &str, serial: u64) -> Tag {
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
        let digits = &digits[at..];
        let len = label.len() + 1 + digits.len();
        let mut tag = Tag {
            inline: [0; Tag::INLINE],
            len,
            long: String::new(),
        };
        if len <= Tag::INLINE {
            tag.inline[..label.len()].copy_from_slice(label.as_bytes());
            tag.inline[label.len()] = MARK as u8;
            tag.inline[label.len() + 1..len].copy_from_slice(digits);
        } else {
            tag.long.reserve_exact(len);
            tag.long.push_str(label);
            tag.long.push(MARK);
            tag.long.extend(digits.iter().map(|d| *d as char));
        }
        tag
    }

    fn as_str(&self) -> &str {
        if self.len <= Tag::INLINE {
            // A label (UTF-8), an ASCII mark and ASCII digits: always valid.
            std::str::from_utf8(&self.inline[..self.len]).unwrap_or_default()
        } else {
            &self.long
        }
    }

    /// The label for the wgpu-core descriptor.
    pub fn label(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self.as_str()))
    }

    /// The label for a descriptor that outlives the call (async pipeline creation).
    pub fn owned_label(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Owned(self.as_str().to_owned()))
    }
}

impl Name {
    /// A name for a new resource, and the tag to give wgpu-core as its label.
    pub fn new(label: Option<Cow<'_, str>>) -> (Name, Tag) {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let serial = NEXT.fetch_add(1, Ordering::Relaxed);
        let original: Box<str> = label.as_deref().unwrap_or("").into();
        let tag = Tag::new(&original, serial);
        let name = Name {
            serial,
            original,
            renamed: AtomicBool::new(false),
        };
        (name, tag)
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
    // SAFETY: the caller's promise for the view, passed on.
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
        let message = format!("Buffer with '{}' label is invalid", tagged.as_str());
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
            ta.as_str(),
            tb.as_str()
        );
        assert_eq!(
            rewrite(message, &renames),
            "Buffer with 'particles' label and Texture with '' label"
        );
    }

    #[test]
    fn a_label_too_long_for_the_stack_is_tagged_the_same_way() {
        let long = "x".repeat(100);
        let (name, tag) = Name::new(Some(long.as_str().into()));
        assert_eq!(tag.as_str(), format!("{long}\u{1f}{}", name.serial));
        let (name, tag) = Name::new(Some("short".into()));
        assert_eq!(tag.as_str(), format!("short\u{1f}{}", name.serial));
    }

    #[test]
    fn text_without_marks_is_unchanged() {
        let m = "nothing to see".to_string();
        assert_eq!(rewrite(m.clone(), &Renames::new()), m);
    }
}
