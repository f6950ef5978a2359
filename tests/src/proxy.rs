//! A TCP proxy in front of a database server that counts the requests the client sends: what
//! a test needs to prove how many round trips an operation costs.
//!
//! PostgreSQL: after the (untyped) startup messages, every client message is a type byte and
//! a length; a request that waits for an answer ends with `Sync` (`S`, extended protocol) or is
//! a `Query` (`Q`, simple protocol, also what a ping sends). MySQL: every packet is a 3-byte
//! length and a sequence number; a command (query, prepare, execute, ping) is a client packet
//! with sequence number 0.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Which wire protocol to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// PostgreSQL.
    Postgres,
    /// MySQL / MariaDB.
    Mysql,
}

/// A running proxy; it stops with the test's runtime.
pub struct CountingProxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    requests: Arc<AtomicUsize>,
}

impl CountingProxy {
    /// Starts a proxy to `server` on a free loopback port.
    pub async fn start(server: SocketAddr, protocol: Protocol) -> CountingProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(upstream) = TcpStream::connect(server).await else {
                    continue;
                };
                tokio::spawn(relay(client, upstream, protocol, counter.clone()));
            }
        });
        CountingProxy { addr, requests }
    }

    /// Starts a proxy to the server of database URL `url` (its host and port; the protocol's
    /// default port when the URL names none), and returns it with `url` pointed at it.
    pub async fn in_front_of(url: &str, protocol: Protocol) -> (CountingProxy, String) {
        let host = host_span(url);
        let server = match &url[host.clone()] {
            h if h.contains(':') => h.to_string(),
            h => format!("{h}:{}", protocol.default_port()),
        };
        let server = tokio::net::lookup_host(&server)
            .await
            .unwrap_or_else(|e| panic!("resolving {server}: {e}"))
            .next()
            .unwrap_or_else(|| panic!("{server} resolves to no address"));
        let proxy = CountingProxy::start(server, protocol).await;
        let proxied = format!("{}{}{}", &url[..host.start], proxy.addr, &url[host.end..]);
        (proxy, proxied)
    }

    /// Requests sent by all clients so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Protocol {
    fn default_port(self) -> u16 {
        match self {
            Protocol::Postgres => 5432,
            Protocol::Mysql => 3306,
        }
    }
}

/// Where the host (and port) of a URL is: after the scheme and any `user:password@`, up to the
/// path or query.
fn host_span(url: &str) -> std::ops::Range<usize> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let start = url[start..].find('@').map_or(start, |i| start + i + 1);
    let end = url[start..]
        .find(['/', '?'])
        .map_or(url.len(), |i| start + i);
    start..end
}

async fn relay(client: TcpStream, upstream: TcpStream, protocol: Protocol, n: Arc<AtomicUsize>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = upstream.into_split();
    let down = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    });
    let mut counter = Counter::new(protocol);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let read = match client_read.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(k) => k,
        };
        let requests = counter.feed(&buf[..read]);
        // Counted before forwarding: the answer cannot arrive before the count.
        n.fetch_add(requests, Ordering::SeqCst);
        if server_write.write_all(&buf[..read]).await.is_err() {
            break;
        }
    }
    down.abort();
}

/// Splits the client's byte stream into messages and counts the requests among them.
struct Counter {
    protocol: Protocol,
    pending: Vec<u8>,
    /// PostgreSQL: untyped startup messages still to come (SSL request, then startup).
    startup: bool,
}

impl Counter {
    fn new(protocol: Protocol) -> Self {
        Counter {
            protocol,
            pending: Vec::new(),
            startup: true,
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> usize {
        self.pending.extend_from_slice(bytes);
        let mut requests = 0;
        loop {
            let frame = match self.protocol {
                Protocol::Postgres => self.postgres_frame(),
                Protocol::Mysql => self.mysql_frame(),
            };
            match frame {
                Some((len, request)) => {
                    self.pending.drain(..len);
                    requests += usize::from(request);
                }
                None => return requests,
            }
        }
    }

    /// The next complete message's length and whether it is a request.
    fn postgres_frame(&mut self) -> Option<(usize, bool)> {
        let p = &self.pending;
        if self.startup {
            let len = u32::from_be_bytes(p.get(..4)?.try_into().ok()?) as usize;
            if p.len() < len {
                return None;
            }
            let code = u32::from_be_bytes(p.get(4..8)?.try_into().ok()?);
            // 80877103: SSLRequest, 80877104: GSSENCRequest; the startup message follows.
            if code != 80_877_103 && code != 80_877_104 {
                self.startup = false;
            }
            return Some((len, false));
        }
        let kind = *p.first()?;
        let len = u32::from_be_bytes(p.get(1..5)?.try_into().ok()?) as usize + 1;
        if p.len() < len {
            return None;
        }
        Some((len, kind == b'S' || kind == b'Q'))
    }

    fn mysql_frame(&mut self) -> Option<(usize, bool)> {
        let p = &self.pending;
        let header = p.get(..4)?;
        let len =
            usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
        if p.len() < len + 4 {
            return None;
        }
        Some((len + 4, header[3] == 0))
    }
}

#[cfg(test)]
mod tests {
    use super::host_span;

    #[test]
    fn the_host_of_a_url() {
        for (url, host) in [
            (
                "postgresql://postgres@127.0.0.1:5432/test",
                "127.0.0.1:5432",
            ),
            ("postgres://u:p@localhost/db?x=1", "localhost"),
            ("mysql://root@127.0.0.1:3306/test", "127.0.0.1:3306"),
            ("postgres://localhost?sslmode=disable", "localhost"),
        ] {
            assert_eq!(&url[host_span(url)], host, "{url}");
        }
    }
}
