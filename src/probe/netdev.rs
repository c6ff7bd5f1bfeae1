//! /proc/net/dev: the counters of every network interface.
//!
//! A focused parser rather than procfs-core's `InterfaceDeviceStatus`, which returns a
//! `HashMap` (losing the kernel's order) and allocates every name at every sample.

use super::{numbers, ParseError};
use crate::sample::NetCounters;

/// Parse /proc/net/dev into `net`, reusing its entries. Link facts (speed, duplex) are left
/// as they were; the probe fills them in.
pub fn parse_net_dev(text: &[u8], net: &mut Vec<NetCounters>) -> Result<(), ParseError> {
    let mut n = 0;
    // Two header lines, then `name: 16 counters`. Old kernels print `eth0:123` with no
    // space after the colon, so split on the colon, not on whitespace.
    for line in super::lines(text).skip(2) {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let name = line[..colon].trim_ascii();
        let name =
            std::str::from_utf8(name).map_err(|_| ParseError::new("interface name not UTF-8"))?;
        let mut c = [0u64; 16];
        let mut count = 0;
        for (slot, v) in c.iter_mut().zip(numbers(&line[colon + 1..])) {
            *slot = v?;
            count += 1;
        }
        if count < 16 {
            return Err(ParseError::new(format!(
                "interface {name} has {count} counters, expected 16"
            )));
        }
        if net.len() <= n {
            net.push(NetCounters::default());
        }
        let i = &mut net[n];
        n += 1;
        if i.name != name {
            i.name.clear();
            i.name.push_str(name);
            i.speed_mbps = None;
            i.full_duplex = false;
        }
        i.rx_bytes = c[0];
        i.rx_packets = c[1];
        i.rx_errs = c[2];
        i.rx_drop = c[3];
        i.rx_fifo = c[4];
        i.rx_frame = c[5];
        i.rx_compressed = c[6];
        i.rx_multicast = c[7];
        i.tx_bytes = c[8];
        i.tx_packets = c[9];
        i.tx_errs = c[10];
        i.tx_drop = c[11];
        i.tx_fifo = c[12];
        i.tx_colls = c[13];
        i.tx_carrier = c[14];
        i.tx_compressed = c[15];
    }
    net.truncate(n);
    Ok(())
}
