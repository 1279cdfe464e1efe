"""The system calls a sandboxed kernel is refused: a seccomp filter, as a BPF program.

A notebook computes, draws and prints; it never needs the kernel's keyrings, to trace another
process, perf events, BPF, userfaultfd, io_uring, new namespaces or mounts, kernel modules, the
clock, swap or a reboot. Those calls are where a kernel exploit or a reach outside the sandbox
starts, so each kernel installs this filter on itself (autograder/zygote.py, after its own
mounts and just before the first line of Python the student can influence) and every process
it starts inherits it. The list follows Docker's default profile, which blocks the same families
for an unprivileged container; refused calls fail with EPERM (clone3 with ENOSYS, as in Docker,
so that the C library falls back to clone, whose namespace flags are then checked).

Standard library only: the program is built here, in the grader, and sent to the zygote as
bytes (the zygote installs what it is given; the repository is not in the sandbox).
"""
import platform
import struct

ARCHES = {
    "x86_64": 0xC000003E,   # AUDIT_ARCH_X86_64
    "aarch64": 0xC00000B7,  # AUDIT_ARCH_AARCH64
}
REFUSED = {
    # name: (x86_64 number, aarch64 number: asm-generic); None where the call does not exist
    "keyctl": (250, 219), "add_key": (248, 217), "request_key": (249, 218),
    "ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271),
    "kcmp": (312, 272), "pidfd_getfd": (438, 438),
    "perf_event_open": (298, 241), "bpf": (321, 280), "userfaultfd": (323, 282),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426), "io_uring_register": (427, 427),
    "mount": (165, 40), "umount2": (166, 39), "pivot_root": (155, 41), "chroot": (161, 51),
    "open_tree": (428, 428), "move_mount": (429, 429), "fsopen": (430, 430),
    "fsconfig": (431, 431), "fsmount": (432, 432), "fspick": (433, 433),
    "mount_setattr": (442, 442), "unshare": (272, 97), "setns": (308, 268),
    "name_to_handle_at": (303, 264), "open_by_handle_at": (304, 265),
    "fanotify_init": (300, 262), "lookup_dcookie": (212, 18),
    "quotactl": (179, 60), "quotactl_fd": (443, 443), "nfsservctl": (180, 42),
    "init_module": (175, 105), "finit_module": (313, 273), "delete_module": (176, 106),
    "create_module": (174, None), "get_kernel_syms": (177, None), "query_module": (178, None),
    "kexec_load": (246, 104), "kexec_file_load": (320, 294), "reboot": (169, 142),
    "swapon": (167, 224), "swapoff": (168, 225), "acct": (163, 89),
    "settimeofday": (164, 170), "clock_settime": (227, 112), "clock_adjtime": (305, 266),
    "adjtimex": (159, 171), "syslog": (103, 116), "vhangup": (153, 58),
    "iopl": (172, None), "ioperm": (173, None), "uselib": (134, None), "ustat": (136, None),
    "sysfs": (139, None), "_sysctl": (156, None),
}
"""Every call refused outright, with its number on each architecture."""
CLONE = {"x86_64": 56, "aarch64": 220}
CLONE3 = {"x86_64": 435, "aarch64": 435}
IOCTL = {"x86_64": 16, "aarch64": 29}
NAMESPACE_FLAGS = 0x7E020000
"""CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET: clone may make threads
and processes, never namespaces."""
REFUSED_IOCTLS = (0x5412, 0x541C)
"""TIOCSTI (typing into a terminal) and TIOCLINUX."""
X32_BIT = 0x40000000
"""x86_64's x32 calls carry this bit: a second table of the same calls, refused whole."""

EPERM, ENOSYS = 1, 38
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24
"""Offsets in struct seccomp_data: the call's number, its architecture, the low words of its first
two arguments (little-endian)."""


def _op(code, k=0, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k)


def machine():
    """This machine's architecture name, if the filter knows it; else None."""
    name = platform.machine()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(name, name) if name else None


def program(arch=None):
    """The filter as the bytes of a struct sock_filter array, for `arch` (default: this
    machine's). Raises ValueError for an architecture it does not know."""
    arch = arch or machine()
    if arch not in ARCHES:
        raise ValueError(f"no seccomp filter for the {arch} architecture")
    column = 0 if arch == "x86_64" else 1
    deny = _op(_RET, RET_ERRNO | EPERM)
    ops = [_op(_LD_ABS, _ARCH), _op(_JEQ, ARCHES[arch], jt=1), deny,  # another ABI: nothing
           _op(_LD_ABS, _NR)]
    if arch == "x86_64":
        ops += [_op(_JGE, X32_BIT, jf=1), deny]
    for numbers in REFUSED.values():
        if numbers[column] is not None:
            ops += [_op(_JEQ, numbers[column], jf=1), deny]
    ops += [_op(_JEQ, CLONE3[arch], jf=1), _op(_RET, RET_ERRNO | ENOSYS),
            _op(_JEQ, CLONE[arch], jf=4), _op(_LD_ABS, _ARG0),
            _op(_JSET, NAMESPACE_FLAGS, jf=1), deny, _op(_RET, RET_ALLOW),
            _op(_JEQ, IOCTL[arch], jf=5), _op(_LD_ABS, _ARG1),
            _op(_JEQ, REFUSED_IOCTLS[0], jt=2), _op(_JEQ, REFUSED_IOCTLS[1], jt=1),
            _op(_RET, RET_ALLOW), deny,
            _op(_RET, RET_ALLOW)]
    return b"".join(ops)
