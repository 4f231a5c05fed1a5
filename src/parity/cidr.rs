//! IPv4 CIDR arithmetic for structural pairing and drift: where a block lies inside a VPC.

use std::fmt;
use std::net::Ipv4Addr;

/// An IPv4 block, host bits cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    pub net: u32,
    pub len: u8,
}

fn mask(len: u8) -> u32 {
    if len == 0 { 0 } else { u32::MAX << (32 - len) }
}

impl Cidr {
    /// `10.0.1.0/24`; `None` for anything else (IPv6, a bare address, a length over 32).
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, len) = text.trim().split_once('/')?;
        let len: u8 = len.parse().ok().filter(|&l| l <= 32)?;
        let addr: Ipv4Addr = addr.parse().ok()?;
        Some(Cidr {
            net: u32::from(addr) & mask(len),
            len,
        })
    }

    /// The block of length `len` (at most this one's) that holds this one.
    pub fn widen(self, len: u8) -> Cidr {
        let len = len.min(self.len);
        Cidr {
            net: self.net & mask(len),
            len,
        }
    }

    /// Whether `inner` lies within this block (or is it).
    pub fn contains(self, inner: Cidr) -> bool {
        inner.len >= self.len && inner.net & mask(self.len) == self.net
    }

    /// `inner`'s position in this block: (address offset, prefix length).
    pub fn offset_of(self, inner: Cidr) -> Option<(u32, u8)> {
        self.contains(inner)
            .then(|| (inner.net - self.net, inner.len))
    }

    /// This block moved from inside `from` to the same offset inside `to`: `10.0.4.0/24` in
    /// `10.0.0.0/16` becomes `10.1.4.0/24` in `10.1.0.0/16`. `from` itself becomes `to`. `None`
    /// when it is not inside `from` or its offset does not fit in `to`.
    pub fn rebase(self, from: Cidr, to: Cidr) -> Option<Cidr> {
        if self == from {
            return Some(to);
        }
        let (offset, len) = from.offset_of(self)?;
        if len < to.len || offset & mask(to.len) != 0 {
            return None;
        }
        Some(Cidr {
            net: to.net | offset,
            len,
        })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.net), self.len)
    }
}
