/** Content sniffing: what bytes are, never by name. */
import * as zlib from "node:zlib";
import { sniff, looksLikeMessage } from "../../reports/sniff";

test.each([
  ["gzip", zlib.gzipSync("<feedback/>"), "gzip"],
  ["zip", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), "zip"],
  ["empty zip", Buffer.from([0x50, 0x4b, 0x05, 0x06, 0, 0]), "zip"],
  ["XML", Buffer.from('<?xml version="1.0"?><feedback/>'), "xml"],
  ["XML after a BOM and white space", Buffer.from("\ufeff\n  <feedback/>"), "xml"],
  ["UTF-16 XML", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<feedback/>", "utf16le")]), "xml"],
  ["JSON", Buffer.from(' {"organization-name": "x"}'), "json"],
  ["mbox", Buffer.from("From MAILER-DAEMON Thu May  2 10:00:00 2024\nFrom: a@b\n"), "mbox"],
  ["message", Buffer.from("Return-Path: <a@b.example>\r\nReceived: from x\r\n\tby y\r\nFrom: a@b.example\r\nSubject: hi\r\n\r\nbody"), "message"],
  ["text", Buffer.from("hello world\n"), "unknown"],
  ["white space", Buffer.from(" \n\t"), "empty"],
  ["XML after NULs, form feeds and a Latin-1 no-break space", Buffer.from([0, 0, 0x0c, 0xa0, 0x0d, 0x0a, ...Buffer.from("<feedback/>")]), "xml"],
  ["white space for the whole sniffing window, XML after it", Buffer.concat([Buffer.alloc(4096, 0x20), Buffer.from("<feedback/>")]), "empty"],
  ["a text that only mentions XML later", Buffer.from("Note: <feedback/>\n"), "unknown"],
  ["nothing", Buffer.alloc(0), "empty"],
])("%s", (_n, bytes, kind) => {
  expect(sniff(bytes)).toBe(kind);
});

test("a header-like text line is not a message without known mail headers", () => {
  expect(looksLikeMessage("Note: hello\nTodo: more\n\nbody")).toBe(false);
  expect(looksLikeMessage("From: a@b\nTo: c@d\n\nbody")).toBe(true);
});
