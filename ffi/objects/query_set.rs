//! `WGPUQuerySet`: a wgpu-core query set id, with its type and count for the getters.

use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::object;

pub struct QuerySet {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::QuerySetId,
    ty: WGPUQueryType,
    count: u32,
    pub tally: crate::accounting::Tally,
}

object!(
    QuerySet,
    "WGPUQuerySet",
    17,
    |q| Some(q.device.clone()),
    named,
    id = QuerySet
);

impl Drop for QuerySet {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.query_set_drop(self.id);
    }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUQuerySetDescriptor,
) -> conv::Result<QuerySet> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.nextInChain, "WGPUQuerySetDescriptor") }?;
    let ty = match desc.r#type {
        WGPUQueryType::Occlusion => wgt::QueryType::Occlusion,
        WGPUQueryType::Timestamp => wgt::QueryType::Timestamp,
        other => return Err(format!("{:#x} is not a valid WGPUQueryType", other.0)),
    };
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let (name, tag) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let label = tag.label();
    let wgc_desc = wgt::QuerySetDescriptor {
        label,
        ty,
        count: desc.count,
    };
    let (id, error) = device
        .ctx
        .global
        .device_create_query_set(device.id, &wgc_desc, None);
    device.check(error);
    Ok(QuerySet {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::QuerySet),
        id,
        ty: desc.r#type,
        count: desc.count,
    })
}

pub unsafe fn set_label(query_set: WGPUQuerySet, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(query_set, label) }
}

pub fn get_type(query_set: WGPUQuerySet) -> WGPUQueryType {
    query_set
        .get_or_log(entry_point())
        .map_or(WGPUQueryType(0), |q| q.ty)
}

pub fn get_count(query_set: WGPUQuerySet) -> u32 {
    query_set.get_or_log(entry_point()).map_or(0, |q| q.count)
}

pub fn destroy(query_set: WGPUQuerySet) {
    if let Some(q) = query_set.get_or_log(entry_point()) {
        q.device.ctx.global.query_set_destroy(q.id);
    }
}

/// A pass's `timestampWrites` (compute or render).
pub fn timestamp_writes(
    tw: *const WGPUPassTimestampWrites,
) -> conv::Result<Option<wgc::command::PassTimestampWrites>> {
    // SAFETY: NULL or a valid struct, as webgpu.h requires.
    let Some(tw) = (unsafe { tw.as_ref() }) else {
        return Ok(None);
    };
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(tw.nextInChain, "WGPUPassTimestampWrites") }?;
    let q = tw.querySet.get_or_message("timestampWrites.querySet")?;
    Ok(Some(wgc::command::PassTimestampWrites {
        query_set: q.id,
        beginning_of_pass_write_index: (tw.beginningOfPassWriteIndex
            != WGPU_QUERY_SET_INDEX_UNDEFINED)
            .then_some(tw.beginningOfPassWriteIndex),
        end_of_pass_write_index: (tw.endOfPassWriteIndex != WGPU_QUERY_SET_INDEX_UNDEFINED)
            .then_some(tw.endOfPassWriteIndex),
    }))
}
