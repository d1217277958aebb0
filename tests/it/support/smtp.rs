//! A mail server on a local port that accepts every message and keeps it:
//! enough SMTP (RFC 5321) for a real client to deliver to it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as it arrived: envelope recipients and the raw message.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// The message with quoted-printable soft line breaks undone, so links
    /// read whole.
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }

    /// The first link in the message that contains `part`.
    pub fn link(&self, part: &str) -> String {
        let text = self.text();
        let start = text
            .find(&format!("http://{part}"))
            .or_else(|| text.find(part).and_then(|at| text[..at].rfind("http://")))
            .unwrap_or_else(|| panic!("no link with {part} in:\n{text}"));
        text[start..]
            .split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap()
            .to_owned()
    }
}

/// A running mail server; it stops with the test's runtime.
pub struct SmtpSink {
    pub url: String,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        Self::start_refusing(0).await
    }

    /// A server that turns the first `refusals` messages away (451, try
    /// again later), then accepts.
    pub async fn start_refusing(refusals: usize) -> SmtpSink {
        let refusals = Arc::new(Mutex::new(refusals));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let kept = kept.clone();
                let refusals = refusals.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line.to_ascii_uppercase();
                        let reply: &[u8] = if verb.starts_with("EHLO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if verb.starts_with("MAIL FROM:") {
                            let mut left = refusals.lock().unwrap();
                            if *left > 0 {
                                *left -= 1;
                                b"451 try again later\r\n"
                            } else {
                                b"250 ok\r\n"
                            }
                        } else if verb.starts_with("RCPT TO:") {
                            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                            b"250 ok\r\n"
                        } else if verb == "DATA" {
                            let _ = write.write_all(b"354 go on\r\n").await;
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push_str("\r\n");
                            }
                            kept.lock().unwrap().push(Mail {
                                to: std::mem::take(&mut to),
                                data,
                            });
                            b"250 queued\r\n"
                        } else if verb == "QUIT" {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"250 ok\r\n"
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
            }
        });
        SmtpSink { url, mails }
    }

    /// Waits up to five seconds for `n` messages.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        for _ in 0..100 {
            let mails = self.mails.lock().unwrap().clone();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{n} mail(s) never arrived");
    }

    pub fn received(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}
