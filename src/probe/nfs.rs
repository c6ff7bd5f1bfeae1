//! /proc/net/rpc/nfs and /proc/net/rpc/nfsd: the NFS client's and server's RPC counters
//! `sar -n NFS` and `-n NFSD` report, read as sadc's `read_net_nfs`/`read_net_nfsd` read
//! them: the `rpc`, `net` and `rc` lines, and read, write, access and getattr summed over
//! NFSv3 (`proc3`) and NFSv4 (`proc4` on the client, `proc4ops` on the server). A line or
//! a number the file lacks counts 0, as sadc's sscanf leaves it.

use super::{fields, lines, parse_u64, ParseError};
use crate::sample::{NfsClient, NfsServer};

/// The numbers after a line's key, by position; missing ones are 0.
fn numbers(line: &[u8]) -> Result<Vec<u64>, ParseError> {
    fields(line).skip(1).map(parse_u64).collect()
}

fn at(v: &[u64], i: usize) -> u64 {
    v.get(i).copied().unwrap_or(0)
}

/// /proc/net/rpc/nfs.
pub fn parse_nfs(text: &[u8]) -> Result<NfsClient, ParseError> {
    let mut c = NfsClient::default();
    for line in lines(text) {
        let key = fields(line).next().unwrap_or_default();
        match key {
            b"rpc" => {
                let v = numbers(line)?;
                c.rpc_calls = at(&v, 0);
                c.rpc_retrans = at(&v, 1);
            }
            // proc3: count, null, getattr, setattr, lookup, access, readlink, read, write.
            b"proc3" => {
                let v = numbers(line)?;
                c.getattr += at(&v, 2);
                c.access += at(&v, 5);
                c.read += at(&v, 7);
                c.write += at(&v, 8);
            }
            // proc4: count, null, read, write, ..., access (18), getattr (19).
            b"proc4" => {
                let v = numbers(line)?;
                c.read += at(&v, 2);
                c.write += at(&v, 3);
                c.access += at(&v, 18);
                c.getattr += at(&v, 19);
            }
            _ => {}
        }
    }
    Ok(c)
}

/// /proc/net/rpc/nfsd.
pub fn parse_nfsd(text: &[u8]) -> Result<NfsServer, ParseError> {
    let mut s = NfsServer::default();
    for line in lines(text) {
        let key = fields(line).next().unwrap_or_default();
        match key {
            b"rc" => {
                let v = numbers(line)?;
                s.rc_hits = at(&v, 0);
                s.rc_misses = at(&v, 1);
            }
            b"net" => {
                let v = numbers(line)?;
                s.net_packets = at(&v, 0);
                s.net_udp = at(&v, 1);
                s.net_tcp = at(&v, 2);
            }
            b"rpc" => {
                let v = numbers(line)?;
                s.rpc_calls = at(&v, 0);
                s.rpc_bad = at(&v, 1);
            }
            b"proc3" => {
                let v = numbers(line)?;
                s.getattr += at(&v, 2);
                s.access += at(&v, 5);
                s.read += at(&v, 7);
                s.write += at(&v, 8);
            }
            // proc4ops: count, then one counter per operation number: ACCESS is op 3
            // (index 4), GETATTR op 9, READ op 25, WRITE op 38.
            b"proc4ops" => {
                let v = numbers(line)?;
                s.access += at(&v, 4);
                s.getattr += at(&v, 10);
                s.read += at(&v, 26);
                s.write += at(&v, 39);
            }
            // Other lines (`th`, `ra`, `io`, `fh`, `proc2`, `proc4`) carry nothing sar shows;
            // some of them hold non-integer numbers.
            _ => {}
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_sums_v3_and_v4() {
        // The shape of a Linux 6.x client's file (counts made up for the test).
        let text = b"net 0 0 0 0\nrpc 1000 7 1000\n\
            proc3 22 0 11 2 3 12 4 13 14 5 6 7 8 9 10 1 1 1 1 1 1 1 1\n\
            proc4 69 0 21 22 3 4 5 6 7 8 9 10 11 12 13 14 15 16 23 24 1 1\n";
        let c = parse_nfs(text).unwrap();
        assert_eq!((c.rpc_calls, c.rpc_retrans), (1000, 7));
        assert_eq!(
            (c.read, c.write, c.access, c.getattr),
            (13 + 21, 14 + 22, 12 + 23, 11 + 24)
        );
        // An older client without v4: the v4 terms are 0; a short line leaves 0.
        let c = parse_nfs(b"rpc 5\nproc3 22 0 1\n").unwrap();
        assert_eq!(
            (c.rpc_calls, c.rpc_retrans, c.getattr, c.read),
            (5, 0, 1, 0)
        );
        assert!(parse_nfs(b"rpc x\n").is_err());
    }

    #[test]
    fn server_lines() {
        let mut ops = vec!["proc4ops", "40"];
        let n: Vec<String> = (0..40).map(|i| (100 + i).to_string()).collect();
        ops.extend(n.iter().map(String::as_str));
        let text = format!(
            "rc 3 4 5\nfh 0 0 0 0 0\nio 1 2\nth 8 0 0.000 0.000\nnet 10 2 8 1\nrpc 9 1 0 0 0\n\
             proc3 22 0 11 2 3 12 4 13 14\n{}\n",
            ops.join(" ")
        );
        let s = parse_nfsd(text.as_bytes()).unwrap();
        assert_eq!((s.rc_hits, s.rc_misses), (3, 4));
        assert_eq!((s.net_packets, s.net_udp, s.net_tcp), (10, 2, 8));
        assert_eq!((s.rpc_calls, s.rpc_bad), (9, 1));
        // proc4ops index i holds 100 + i − 1.
        assert_eq!(
            (s.access, s.getattr, s.read, s.write),
            (12 + 103, 11 + 109, 13 + 125, 14 + 138)
        );
    }
}
