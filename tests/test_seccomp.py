"""The seccomp filter every sandboxed kernel installs (autograder/seccomp.py): does it refuse
the system calls a notebook never needs, and leave everything a notebook does working?"""
import ctypes
import errno
import os
import threading

import pytest

from autograder import seccomp, zygote

PROBE = {
    # name: (arguments; errno expected)
    "keyctl": ((0, -3, 0, 0, 0), errno.EPERM),  # KEYCTL_GET_KEYRING_ID of the session keyring
    "add_key": ((0, 0, 0, 0, 0), errno.EPERM),
    "ptrace": ((16, 1, 0, 0), errno.EPERM),  # PTRACE_ATTACH to pid 1
    "perf_event_open": ((0, 0, -1, -1, 0), errno.EPERM),
    "bpf": ((0, 0, 0), errno.EPERM),
    "userfaultfd": ((0,), errno.EPERM),
    "io_uring_setup": ((1, 0), errno.EPERM),
    "mount": ((0, 0, 0, 0, 0), errno.EPERM),
    "unshare": ((0x10000000,), errno.EPERM),  # CLONE_NEWUSER
    "setns": ((0, 0), errno.EPERM),
    "process_vm_readv": ((1, 0, 0, 0, 0, 0), errno.EPERM),
    "clone3": ((0, 0), errno.ENOSYS),
}


def _number(name):
    return seccomp.REFUSED.get(name, (seccomp.CLONE3["x86_64"], seccomp.CLONE3["aarch64"]))[
        0 if seccomp.machine() == "x86_64" else 1]


def _in_filtered_child(probe):
    """Run `probe()` (-> list of strings) in a forked child with the filter installed; its
    lines."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(38, 1, 0, 0, 0)  # no_new_privs, as the kernel has it
            zygote._seccomp(seccomp.program())
            os.write(write, "\n".join(probe(libc)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as handle:
        text = handle.read()
    os.waitpid(pid, 0)
    return text.splitlines()


@pytest.mark.skipif(seccomp.machine() not in seccomp.ARCHES, reason="no filter for this arch")
def test_the_calls_a_notebook_never_needs_are_refused():
    """Does each refused family (keyrings, ptrace, perf, bpf, userfaultfd, io_uring, mount,
    namespaces, another process's memory) fail with EPERM (clone3: ENOSYS) under the filter?"""
    def probe(libc):
        lines = []
        for name, (args, _) in PROBE.items():
            ctypes.set_errno(0)
            result = libc.syscall(_number(name), *[ctypes.c_long(a) for a in args])
            lines.append(f"{name} {result} {ctypes.get_errno()}")
        return lines
    got = {line.split()[0]: (int(line.split()[1]), int(line.split()[2]))
           for line in _in_filtered_child(probe)}
    assert got == {name: (-1, want) for name, (_, want) in PROBE.items()}


@pytest.mark.skipif(seccomp.machine() not in seccomp.ARCHES, reason="no filter for this arch")
def test_what_a_notebook_does_still_works():
    """Under the filter, do files, threads, fork, pipes, numpy and matplotlib still work?"""
    def probe(libc):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        out = []
        box = []
        thread = threading.Thread(target=lambda: box.append(np.ones((50, 50)) @ np.ones(50)))
        thread.start()
        thread.join()
        out.append(f"thread {box[0][0]:g}")
        pid = os.fork()
        if pid == 0:
            os._exit(7)
        out.append(f"fork {os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])}")
        fig, ax = plt.subplots()
        ax.plot([1, 2])
        fig.savefig(os.devnull, format="png")
        out.append("plot ok")
        return out
    assert _in_filtered_child(probe) == ["thread 50", "fork 7", "plot ok"]


def test_an_unknown_architecture_gets_no_filter_and_says_so():
    """Is an architecture the table does not know refused with a clear error (and so reported
    as an unenforced limit), never given a filter with wrong numbers?"""
    with pytest.raises(ValueError, match="riscv64"):
        seccomp.program("riscv64")


HEADERS = {"x86_64": "/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
           "aarch64": "/usr/include/asm-generic/unistd.h"}


@pytest.mark.parametrize("arch", sorted(HEADERS))
def test_the_call_numbers_match_the_kernel_headers(arch):
    """Does every number in the filter's table equal the one in the Linux headers (the
    linux-libc-dev package gcc brings), for both architectures?"""
    import re
    text = open(HEADERS[arch]).read()
    found = dict(re.findall(r"#define __NR(?:3264)?_(\w+)\s+(\d+)", text))
    column = 0 if arch == "x86_64" else 1
    table = {name: numbers[column] for name, numbers in seccomp.REFUSED.items()
             if numbers[column] is not None}
    table.update(clone=seccomp.CLONE[arch], clone3=seccomp.CLONE3[arch],
                 ioctl=seccomp.IOCTL[arch])
    assert {name: int(found[name]) for name in table} == table
