#!/usr/bin/env python3
"""A small SMTP server for newswatch's tests (127.0.0.1 only, stdlib only).

Prints its port on the first line of stdout and exits when stdin closes. Every accepted
message is appended to --log as one JSON line: {"from", "to", "user", "data"}. The mode is
read from --mode-file before each MAIL command: "accept" (default) or "reject" (a temporary
451 failure, as a mail server that is down for maintenance answers). Offers AUTH PLAIN and
LOGIN (any credentials are accepted and the user is recorded), no STARTTLS.
"""
import argparse, base64, json, os, socketserver, sys, threading

class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def readline(self):
        line = self.rfile.readline()
        if not line:
            raise EOFError
        return line.decode("utf-8", "replace").rstrip("\r\n")

    def handle(self):
        sender, recipients, user = None, [], None
        self.reply("220 sink ESMTP ready")
        try:
            while True:
                line = self.readline()
                verb = line.split(" ", 1)[0].upper()
                arg = line[len(verb):].strip()
                if verb == "EHLO":
                    self.reply("250-sink")
                    self.reply("250-AUTH PLAIN LOGIN")
                    self.reply("250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 sink")
                elif verb == "AUTH":
                    parts = arg.split(" ", 1)
                    if parts[0].upper() == "PLAIN":
                        token = parts[1] if len(parts) > 1 else (self.reply("334 ") or self.readline())
                        fields = base64.b64decode(token).split(b"\0")
                        user = fields[1].decode() if len(fields) > 1 else ""
                    else:
                        self.reply("334 VXNlcm5hbWU6")
                        user = base64.b64decode(self.readline()).decode()
                        self.reply("334 UGFzc3dvcmQ6")
                        self.readline()
                    self.reply("235 authenticated")
                elif verb == "MAIL":
                    mode = "accept"
                    if self.server.mode_file and os.path.exists(self.server.mode_file):
                        mode = open(self.server.mode_file).read().strip() or "accept"
                    if mode == "reject":
                        self.reply("451 4.3.2 try again later")
                        continue
                    sender = arg.split(":", 1)[1].strip().strip("<>")
                    recipients = []
                    self.reply("250 ok")
                elif verb == "RCPT":
                    recipients.append(arg.split(":", 1)[1].strip().strip("<>"))
                    self.reply("250 ok")
                elif verb == "DATA":
                    self.reply("354 end with .")
                    lines = []
                    while True:
                        data = self.readline()
                        if data == ".":
                            break
                        lines.append(data[1:] if data.startswith("..") else data)
                    with self.server.lock:
                        with open(self.server.log, "a") as f:
                            f.write(json.dumps({"from": sender, "to": recipients, "user": user, "data": "\r\n".join(lines) + "\r\n"}) + "\n")
                    self.reply("250 queued")
                elif verb in ("RSET", "NOOP"):
                    self.reply("250 ok")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not implemented")
        except (EOFError, ConnectionError):
            return

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--mode-file", default="")
    args = parser.parse_args()
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.log, server.mode_file, server.lock = args.log, args.mode_file, threading.Lock()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    os._exit(0)

if __name__ == "__main__":
    main()
