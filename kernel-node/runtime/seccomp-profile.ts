/**
 * The seccomp filter every container gets (OCI `linux.seccomp`): an allowlist of what runc's last
 * steps, Node, V8, libuv and the WASI runtime call; any other system call fails with EPERM, as
 * under Docker's default profile. The guest itself is WebAssembly and makes no system calls: this
 * bounds what a bug in Node or the runtime could be turned into.
 *
 * Left out on purpose (they fail with EPERM): mount, umount2, pivot_root, chroot, unshare, setns,
 * namespace flags on clone, keyctl/add_key/request_key, ptrace, process_vm_*, bpf,
 * perf_event_open, userfaultfd, kexec_*, *_module, reboot, swapon/swapoff, acct, quotactl,
 * clock/time setters, open_by_handle_at, io_uring_* (libuv falls back to its thread pool),
 * personality, lookup_dcookie, iopl/ioperm.
 */

/** Namespace flags of clone(2): CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET. */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;
const EPERM = 1;
const ENOSYS = 38;

const ALLOWED = [
  // Files and directories (WASI's fd_*/path_* map onto these; Node's fs too).
  'access', 'faccessat', 'faccessat2', 'chdir', 'fchdir', 'getcwd', 'chmod', 'fchmod', 'fchmodat',
  'chown', 'fchown', 'fchownat', 'lchown', 'close', 'close_range', 'creat', 'dup', 'dup2', 'dup3',
  'fadvise64', 'fallocate', 'fcntl', 'fdatasync', 'flock', 'fstat', 'fstatfs', 'fsync', 'ftruncate',
  'getdents', 'getdents64', 'link', 'linkat', 'lseek', 'lstat', 'mkdir', 'mkdirat', 'mknod', 'mknodat',
  'newfstatat', 'open', 'openat', 'openat2', 'pread64', 'preadv', 'preadv2', 'pwrite64', 'pwritev',
  'pwritev2', 'read', 'readahead', 'readlink', 'readlinkat', 'readv', 'rename', 'renameat', 'renameat2',
  'rmdir', 'sendfile', 'copy_file_range', 'splice', 'tee', 'stat', 'statfs', 'statx', 'symlink',
  'symlinkat', 'sync', 'sync_file_range', 'syncfs', 'truncate', 'umask', 'unlink', 'unlinkat', 'utime',
  'utimensat', 'utimes', 'futimesat', 'write', 'writev', 'getxattr', 'lgetxattr', 'fgetxattr',
  'listxattr', 'llistxattr', 'flistxattr', 'setxattr', 'lsetxattr', 'fsetxattr', 'removexattr',
  'lremovexattr', 'fremovexattr', 'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch',
  'ioctl', 'memfd_create',
  // Memory (V8's heaps, code space and wasm memories with guard regions).
  'brk', 'madvise', 'membarrier', 'mincore', 'mlock', 'mlock2', 'mlockall', 'mmap', 'mprotect', 'mremap',
  'msync', 'munlock', 'munlockall', 'munmap', 'pkey_alloc', 'pkey_free', 'pkey_mprotect',
  'get_mempolicy', 'set_mempolicy', 'mbind',
  // Threads, processes and signals (Node's platform threads, libuv's pool; runc's Go runtime before exec).
  'arch_prctl', 'clone', 'execve', 'execveat', 'exit', 'exit_group', 'fork', 'vfork', 'futex', 'futex_waitv',
  'get_robust_list', 'set_robust_list', 'set_tid_address', 'rseq', 'getpid', 'getppid', 'gettid',
  'getpgid', 'getpgrp', 'getsid', 'setpgid', 'setsid', 'kill', 'tgkill', 'tkill', 'pidfd_open',
  'pidfd_send_signal', 'pidfd_getfd', 'wait4', 'waitid', 'prctl', 'rt_sigaction', 'rt_sigpending',
  'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend',
  'rt_sigtimedwait', 'sigaltstack', 'signalfd', 'signalfd4', 'pause', 'restart_syscall',
  'sched_getaffinity', 'sched_setaffinity', 'sched_getattr', 'sched_setattr', 'sched_getparam',
  'sched_setparam', 'sched_getscheduler', 'sched_setscheduler', 'sched_get_priority_max',
  'sched_get_priority_min', 'sched_rr_get_interval', 'sched_yield', 'getpriority', 'setpriority',
  'ioprio_get', 'ioprio_set', 'getcpu', 'seccomp',
  // Identity and limits (no capabilities: changing to another user fails anyway).
  'capget', 'capset', 'getuid', 'geteuid', 'getgid', 'getegid', 'getgroups', 'getresuid', 'getresgid',
  'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setgroups', 'setfsuid',
  'setfsgid', 'getrlimit', 'setrlimit', 'prlimit64', 'getrusage', 'times', 'sysinfo', 'uname',
  // Time and randomness.
  'clock_getres', 'clock_gettime', 'clock_nanosleep', 'gettimeofday', 'nanosleep', 'time', 'alarm',
  'getitimer', 'setitimer', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime',
  'timer_settime', 'timerfd_create', 'timerfd_gettime', 'timerfd_settime', 'getrandom',
  // Event loop and pipes (libuv: epoll, eventfd, pipes; stdio may be unix sockets).
  'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_pwait', 'epoll_pwait2',
  'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'pipe', 'pipe2', 'poll', 'ppoll', 'select',
  'pselect6', 'accept', 'accept4', 'bind', 'connect', 'getpeername', 'getsockname', 'getsockopt',
  'listen', 'recvfrom', 'recvmmsg', 'recvmsg', 'sendmmsg', 'sendmsg', 'sendto', 'setsockopt', 'shutdown',
  'socket', 'socketpair',
];

/**
 * libseccomp's name for Node's own ABI. Only that one: the 32-bit ABIs (x86, x32, arm) are not
 * listed, so their system calls are refused whatever the number (nothing in a container is a
 * 32-bit program), and runc compiles a third of the filter: with the three x86 ABIs runc's CPU
 * time per container start was ~20 ms higher (145 vs 125 ms without a filter, 130 with this one).
 */
function architectures(arch: string): string[] {
  if (arch === 'x64') return ['SCMP_ARCH_X86_64'];
  if (arch === 'arm64') return ['SCMP_ARCH_AARCH64'];
  return [];
}

/** The OCI `linux.seccomp` object. */
export function seccompProfile(arch: string = process.arch): object {
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    architectures: architectures(arch),
    syscalls: [
      { names: ALLOWED.filter((n) => n !== 'clone'), action: 'SCMP_ACT_ALLOW' },
      // Threads and plain forks, never new namespaces (the flags are clone's first argument on x86-64 and arm64).
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
      // clone3 passes its flags in memory a filter cannot read: ENOSYS makes glibc fall back to clone.
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
    ],
  };
}
