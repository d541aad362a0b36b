"""One warm converter: a private LibreOffice driven over UNO, requests on stdin.

Run by a Python that has LibreOffice's ``uno`` module (Debian's python3-uno,
for the system python3), not by the service's virtualenv: this file imports
nothing of the project. The pool (:mod:`service.conversion.pool`) starts it as

    python3 uno_worker.py SOFFICE PROFILE_DIR

and writes requests to its stdin; each request and answer is two frames (a
4-byte big-endian length, then the bytes): a JSON header and the document.
The request header is ``{"pdfa": bool}``; the answer header ``{"ok": true}`` or
``{"ok": false, "error": "..."}``. The worker prints ``ready`` as its first
frame once LibreOffice answers, and exits when stdin closes.

LibreOffice runs with its own profile (``-env:UserInstallation``) preset so
that it never runs macros and never updates links, and every document is
loaded with macro execution and link updates switched off as well.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

#: Profile settings written before LibreOffice first starts: macros off at the
#: highest security level, links never updated, no referer-less fetches, no
#: update checks, no locking files.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">
 <prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">
 <prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""
CONNECT_SECONDS = 60
NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE


def _props(**values: object) -> tuple[PropertyValue, ...]:
    found = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        found.append(prop)
    return tuple(found)


def _read_exact(stream, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _read_frame(stream) -> bytes:
    (size,) = struct.unpack(">I", _read_exact(stream, 4))
    return _read_exact(stream, size)


def _write_frame(stream, data: bytes) -> None:
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def _start_office(soffice: str, profile: str, pipe_name: str) -> subprocess.Popen:
    user = os.path.join(profile, "user")
    os.makedirs(user, exist_ok=True)
    with open(os.path.join(user, "registrymodifications.xcu"), "w") as file:
        file.write(PROFILE_SETTINGS)
    return subprocess.Popen(
        [
            soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
            f"--accept=pipe,name={pipe_name};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _connect(pipe_name: str, office: subprocess.Popen):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(
                f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext"
            )
            break
        except Exception:  # NoConnectException until LibreOffice listens
            if office.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )


def _convert(desktop, work: str, docx: bytes, pdfa: bool) -> bytes:
    source = os.path.join(work, "in.docx")
    target = os.path.join(work, "out.pdf")
    with open(source, "wb") as file:
        file.write(docx)
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(source),
        "_blank",
        0,
        _props(
            Hidden=True,
            ReadOnly=True,
            MacroExecutionMode=NEVER_EXECUTE,
            UpdateDocMode=NO_UPDATE,
            FilterName="MS Word 2007 XML",
        ),
    )
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        filter_data = uno.Any(
            "[]com.sun.star.beans.PropertyValue",
            _props(SelectPdfVersion=2 if pdfa else 0, UseTaggedPDF=pdfa),
        )
        document.storeToURL(
            uno.systemPathToFileUrl(target),
            _props(FilterName="writer_pdf_Export", FilterData=filter_data),
        )
    finally:
        document.close(True)
    with open(target, "rb") as file:
        return file.read()


def main() -> None:
    """Start LibreOffice, say ready, convert requests until stdin closes."""
    soffice, profile = sys.argv[1], sys.argv[2]
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    pipe_name = f"partnerdocs-{os.getpid()}-{time.monotonic_ns()}"
    office = _start_office(soffice, profile, pipe_name)
    try:
        desktop = _connect(pipe_name, office)
        work = os.path.join(profile, "work")
        os.makedirs(work, exist_ok=True)
        _write_frame(answers, b"ready")
        while True:
            try:
                header = json.loads(_read_frame(requests))
                docx = _read_frame(requests)
            except EOFError:
                return
            try:
                pdf = _convert(desktop, work, docx, bool(header.get("pdfa")))
            except Exception as exc:  # a UNO error: report it, keep serving
                if office.poll() is not None:
                    sys.exit(1)  # LibreOffice died: the pool replaces us
                _write_frame(
                    answers, json.dumps({"ok": False, "error": str(exc)}).encode()
                )
                _write_frame(answers, b"")
            else:
                _write_frame(answers, b'{"ok": true}')
                _write_frame(answers, pdf)
    finally:
        office.kill()
        office.wait()


if __name__ == "__main__":
    main()
