#!/usr/bin/env python3
"""Rebuilds what a disk holds after a power cut, from a folder as it was before a command and the
log scripts/powercut/iolog.c wrote while the command ran.

The model is the strict one POSIX promises, and nothing more:
  - bytes written to a file reach the disk only when that file is synced (fsync, fdatasync)
    afterwards; a truncation likewise;
  - a name made, changed or removed in a folder (create, rename, unlink, mkdir) reaches the disk
    only when that folder is synced afterwards (a rename between folders: each side with its own);
  - syncfs and sync make everything so far durable;
  - everything else is lost at the cut, whole: unsynced writes are dropped, not half-applied.
A file whose name never reached the disk is gone even if its bytes were synced, and a file whose
name did is there with only its synced bytes. SQLite's -shm file is dropped: it is a cache that
SQLite rebuilds from the WAL.

Usage: replay.py ROOT BEFORE LOGDIR OUT [--cut N]
       ROOT: the folder the command ran on (KHO_IOLOG_ROOT); BEFORE: a copy of it made before the
       command; OUT: where the state after the cut is written. N: how many log lines happened
       before the cut (default all: a cut just after the command ended). Prints what the command had reported on
       standard output by the cut, so the caller can check that each acknowledged write survived.
"""
import os
import shutil
import stat
import sys


def parse(logdir):
    with open(os.path.join(logdir, "ops"), "r", encoding="utf-8", errors="surrogateescape") as f:
        return [line.rstrip("\n").split(" ", 4) for line in f if line.strip()]


def main():
    args = sys.argv[1:]
    cut = None
    if "--cut" in args:
        index = args.index("--cut")
        cut = int(args[index + 1])
        del args[index:index + 2]
    root, before, logdir, out = args
    root = os.path.realpath(root)
    ops = parse(logdir)
    if cut is not None:
        ops = ops[:cut]
    data = open(os.path.join(logdir, "data"), "rb")

    def rel(path):
        """A logged path as a path relative to ROOT ("" for ROOT itself), or None outside it."""
        if path == root:
            return ""
        return path[len(root) + 1:] if path.startswith(root + "/") else None

    # Files are identified by a key: ("base", relative path) for one that existed before, or
    # ("new", N) for one created while the command ran.
    counter = 0
    volatile = {}    # absolute path -> key, the namespace as the running command saw it
    folders = set()  # absolute folders, as the command saw them
    for folder, names, files in os.walk(before):
        relative = os.path.relpath(folder, before)
        folders.add("" if relative == "." else relative)
        for name in files:
            path = os.path.relpath(os.path.join(folder, name), before)
            volatile[path] = ("base", path)
    durable = dict(volatile)
    durable_folders = set(folders)
    pending = {}     # folder -> namespace changes not yet durable, in order
    inode_key = {}   # inode number -> key of the file it now is
    writes = {}      # key -> list of (op, args) not yet durable
    durable_writes = {}  # key -> list of durable (op, args), in order
    reported = []

    def change(folder, entry):
        pending.setdefault(folder, []).append(entry)

    def sync_folder(folder):
        for entry in pending.pop(folder, []):
            kind = entry[0]
            if kind == "add":
                durable[entry[1]] = entry[2]
            elif kind == "remove":
                durable.pop(entry[1], None)
            elif kind == "mkdir":
                durable_folders.add(entry[1])
            elif kind == "rmdir":
                durable_folders.discard(entry[1])

    def sync_file(key):
        durable_writes.setdefault(key, []).extend(writes.pop(key, []))

    for op in ops:
        kind = op[0]
        if kind == "O":
            inode, created, path = int(op[1]), op[2] == "1", rel(" ".join(op[3:]))
            if path is None:
                continue
            if created or path not in volatile:
                counter += 1
                key = ("new", counter)
                volatile[path] = key
                change(os.path.dirname(path), ("add", path, key))
            inode_key[inode] = volatile[path]
        elif kind in ("W", "T", "P"):
            inode = int(op[1])
            key = inode_key.get(inode)
            if key is None:
                continue
            writes.setdefault(key, []).append(tuple(op))
        elif kind == "S":
            key = inode_key.get(int(op[1]))
            if key is not None:
                sync_file(key)
        elif kind == "D":
            folder = rel(" ".join(op[1:]))
            if folder is not None:
                sync_folder(folder)
        elif kind == "G":
            for key in list(writes):
                sync_file(key)
            for folder in list(pending):
                sync_folder(folder)
        elif kind == "R":
            old, new = rel(op[1]), rel(" ".join(op[2:]))
            if old is None or new is None:
                continue  # into or out of the folder: not what kho does
            if old in volatile:
                key = volatile.pop(old)
                volatile[new] = key
                change(os.path.dirname(old), ("remove", old))
                change(os.path.dirname(new), ("add", new, key))
            elif old in folders:
                # A folder renamed (an export's bag into place): its files move with it.
                for path in [p for p in volatile if p.startswith(old + "/")]:
                    key = volatile.pop(path)
                    moved = new + path[len(old):]
                    volatile[moved] = key
                    change(os.path.dirname(old), ("remove", path))
                    change(os.path.dirname(new), ("add", moved, key))
                folders.discard(old)
                folders.add(new)
                change(os.path.dirname(new), ("mkdir", new))
        elif kind in ("U", "M", "X") and rel(" ".join(op[1:])) is None:
            continue
        elif kind == "U":
            path = rel(" ".join(op[1:]))
            volatile.pop(path, None)
            change(os.path.dirname(path), ("remove", path))
        elif kind == "M":
            path = rel(" ".join(op[1:]))
            folders.add(path)
            change(os.path.dirname(path), ("mkdir", path))
        elif kind == "X":
            path = rel(" ".join(op[1:]))
            folders.discard(path)
            change(os.path.dirname(path), ("rmdir", path))
        elif kind == "A":
            length, position = int(op[1]), int(op[2])
            data.seek(position)
            reported.append(data.read(length))

    # Materialise the durable state under OUT, for the paths under BEFORE.
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)

    def reachable(path):
        folder = os.path.dirname(path)
        while folder:
            if folder not in durable_folders:
                return False
            folder = os.path.dirname(folder)
        return True

    for folder in sorted(durable_folders):
        if folder and reachable(folder + "/x"):
            os.makedirs(os.path.join(out, folder), exist_ok=True)
    for path, key in sorted(durable.items()):
        if path.endswith("-shm") or not reachable(path):
            continue
        target = os.path.join(out, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        content = bytearray()
        mode = 0o644
        if key[0] == "base":
            with open(os.path.join(before, key[1]), "rb") as f:
                content = bytearray(f.read())
            mode = stat.S_IMODE(os.stat(os.path.join(before, key[1])).st_mode)
        for entry in durable_writes.get(key, []):
            if entry[0] == "T":
                size = int(entry[2])
                content = content[:size] + bytearray(max(0, size - len(content)))
            elif entry[0] == "P":
                mode = int(entry[2], 8)
            else:
                offset, length, position = int(entry[2]), int(entry[3]), int(entry[4])
                data.seek(position)
                chunk = data.read(length)
                if len(content) < offset:
                    content += bytearray(offset - len(content))
                content[offset:offset + length] = chunk
        with open(target, "wb") as f:
            f.write(content)
        os.chmod(target, mode)
    sys.stdout.buffer.write(b"".join(reported))


if __name__ == "__main__":
    main()
