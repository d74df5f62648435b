/** Raw messages made by tests and benchmarks (never checked in as large files). */

/** A message with `n` folded Received: fields (two lines each, as MTAs write them) above a small header and body. */
export function messageWithReceived(n: number): Buffer {
  const received = Array.from({ length: n }, (_, i) => `Received: from relay${i}.example.net (relay${i}.example.net [192.0.2.${i % 250}])\r\n\tby mx.example.com with ESMTPS id r${i}; Mon, 05 Jan 2026 10:00:00 +0000`);
  return Buffer.from([...received, "From: Sales <sales@example.com>", "To: customer@example.org", "Subject: Quarterly report", "Message-ID: <q1@example.com>", "", "Hello.", ""].join("\r\n"));
}
