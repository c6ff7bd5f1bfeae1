# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rsar_global_optspecs
    string join \n u= P= q= r= S W B b d p/pretty n= w I= int= F= m= j= dev-root= dev= iface= fs= z y H v A utc t sar-version= h human dec= format= f= days-ago= s= e= since= until= i= o= C follow tier= log-dir= proc-root= sys-root= help V/version
end

function __fish_rsar_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rsar_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rsar_using_subcommand
    set -l cmd (__fish_rsar_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rsar -n "__fish_rsar_needs_command" -s u -d 'CPU utilisation (the default report). `-u ALL` shows every CPU state' -r
complete -c rsar -n "__fish_rsar_needs_command" -s P -d 'Per-CPU utilisation for the listed CPUs (`-P 0,3`) or for every CPU (`-P ALL`); with -I or -m CPU, their per-CPU columns or rows instead' -r
complete -c rsar -n "__fish_rsar_needs_command" -s q -d 'Run queue, task list and load averages (`-q LOAD`); pressure stall information with `-q CPU`, `-q IO`, `-q MEM` (a comma list, `-q PSI` for all three), `-q ALL` for everything' -r
complete -c rsar -n "__fish_rsar_needs_command" -s r -d 'Memory utilisation. `-r ALL` adds anon, slab, kernel stack, page table and vmalloc use' -r
complete -c rsar -n "__fish_rsar_needs_command" -s n -d 'Network statistics: DEV (network interfaces), EDEV (network interface errors), NFS (NFS client), NFSD (NFS server), SOCK (IPv4 sockets in use), IP (IPv4 traffic), EIP (IPv4 errors), ICMP (ICMPv4 traffic), EICMP (ICMPv4 errors), TCP (TCPv4 traffic), ETCP (TCPv4 errors), UDP (UDPv4 traffic), SOCK6 (IPv6 sockets in use), IP6 (IPv6 traffic), EIP6 (IPv6 errors), ICMP6 (ICMPv6 traffic), EICMP6 (ICMPv6 errors), UDP6 (UDPv6 traffic), FC (FC host adapters), SOFT (network softirq per CPU); a comma list of them (`-n TCP,ETCP`), or ALL' -r
complete -c rsar -n "__fish_rsar_needs_command" -s I -d 'Interrupts per second: `-I SUM` (the total), `-I ALL` (every line), or lines by number or name (`-I 0,9,LOC`); `-P` adds a column per listed CPU' -r
complete -c rsar -n "__fish_rsar_needs_command" -l int -d 'Interrupt lines to show with -I: numbers, ranges (30-50, 4000-), names, sum' -r
complete -c rsar -n "__fish_rsar_needs_command" -s F -d 'Filesystems: free and used space and inodes; `-F MOUNT` names them by mount point' -r
complete -c rsar -n "__fish_rsar_needs_command" -s m -d 'Power management: `-m CPU` (each CPU\'s clock). sar\'s FAN, TEMP, IN, USB and BAT need sensors this kind of machine lacks and are refused' -r
complete -c rsar -n "__fish_rsar_needs_command" -s j -d 'Persistent device names in -d: the names of the links in /dev/disk/by-TYPE (ID, LABEL, PATH, UUID, …; SID: the device\'s stable identifier, its WWN where it has one) that lead to each device' -r
complete -c rsar -n "__fish_rsar_needs_command" -l dev-root -d 'Where -j finds disk/by-TYPE (a captured tree, a container\'s view of the host)' -r -F
complete -c rsar -n "__fish_rsar_needs_command" -l dev -d 'Only these block devices in -d (comma list of names: --dev=vda,sdb)' -r
complete -c rsar -n "__fish_rsar_needs_command" -l iface -d 'Only these interfaces in -n DEV and -n EDEV (comma list: --iface=eth0,lo)' -r
complete -c rsar -n "__fish_rsar_needs_command" -l fs -d 'Only these filesystems in -F: names (--fs=/dev/vda), or mount points with -F MOUNT' -r
complete -c rsar -n "__fish_rsar_needs_command" -l sar-version -d 'Print -r, -B and -n ETCP as this sysstat release does, in every format: 12.6 (Debian 12, Ubuntu 22.04 to 24.04: no kbshmem, kbmemused without MemAvailable, %vmeff, retrans/s) or 12.7.8 (the default). The environment variable RSAR_SAR_VERSION sets it too' -r
complete -c rsar -n "__fish_rsar_needs_command" -l dec -d 'Decimals of the real numbers in the tables: 0, 1 or 2 (the default)' -r
complete -c rsar -n "__fish_rsar_needs_command" -l format -d 'Output format' -r -f -a "table\t'sar\'s tables'
json\t'one document in the layout of sysstat\'s `sadf -j`'
jsonl\t'one JSON object per interval, per line'
csv\t'RFC 4180 CSV with one header row'
svg\t'a self-contained SVG with a chart per report'"
complete -c rsar -n "__fish_rsar_needs_command" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_needs_command" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_needs_command" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_needs_command" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_needs_command" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_needs_command" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_needs_command" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_needs_command" -s o -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_needs_command" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_needs_command" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_needs_command" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_needs_command" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_needs_command" -s S -d 'Swap space utilisation'
complete -c rsar -n "__fish_rsar_needs_command" -s W -d 'Swapping: pages swapped in and out per second'
complete -c rsar -n "__fish_rsar_needs_command" -s B -d 'Paging: page-ins, page-outs, faults, reclaim'
complete -c rsar -n "__fish_rsar_needs_command" -s b -d 'I/O and transfer rates over all physical disks'
complete -c rsar -n "__fish_rsar_needs_command" -s d -d 'Activity of each block device'
complete -c rsar -n "__fish_rsar_needs_command" -s p -l pretty -d 'Easier to read, as sar\'s -p: the device, interface or interrupt name last in the rows of -d, -n DEV, -n EDEV and -I'
complete -c rsar -n "__fish_rsar_needs_command" -s w -d 'Task creation and context switches'
complete -c rsar -n "__fish_rsar_needs_command" -s z -d 'Leave out devices, interfaces, interrupts and serial lines with no activity in the interval'
complete -c rsar -n "__fish_rsar_needs_command" -s y -d 'Serial lines (TTY): interrupts and errors per second (needs root, as sar)'
complete -c rsar -n "__fish_rsar_needs_command" -s H -d 'Huge pages utilisation'
complete -c rsar -n "__fish_rsar_needs_command" -s v -d 'Kernel tables: unused dentries, file handles, inodes and ptys in use'
complete -c rsar -n "__fish_rsar_needs_command" -s A -d 'All reports: -bBdFHqSrvwWy -I ALL -m CPU -n ALL -u ALL -r ALL -q ALL -P ALL'
complete -c rsar -n "__fish_rsar_needs_command" -l utc -d 'Show times in UTC instead of the local time zone'
complete -c rsar -n "__fish_rsar_needs_command" -s t -d 'From a file: show times (and the banner\'s date) in the zone of the machine that recorded it, as it was when the file was started (the first file\'s, with several); live, no effect'
complete -c rsar -n "__fish_rsar_needs_command" -s h -d 'For a human, as sar\'s -h: --human and --pretty'
complete -c rsar -n "__fish_rsar_needs_command" -l human -d 'Sizes with a unit letter (2.2G, 512.0k) and percentages with their sign (2.5%), in the columns sar prints so'
complete -c rsar -n "__fish_rsar_needs_command" -s C -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_needs_command" -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each interval as it lands; Ctrl-C prints the averages'
complete -c rsar -n "__fish_rsar_needs_command" -l help -d 'Print help'
complete -c rsar -n "__fish_rsar_needs_command" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_needs_command" -a "vmstat" -d 'One line per interval, as procps vmstat prints it: processes, memory, swap, I/O, system, CPU'
complete -c rsar -n "__fish_rsar_needs_command" -a "pidstat" -d 'Per-process CPU, memory, I/O and context switches, as pidstat prints them, live or from rsadc\'s logs'
complete -c rsar -n "__fish_rsar_needs_command" -a "top" -d 'Snapshots of the processes, as `top -b` prints them: one per interval live, or one at a past moment from rsadc\'s logs'
complete -c rsar -n "__fish_rsar_needs_command" -a "cgstat" -d 'Per-cgroup CPU, memory, I/O and pressure over each interval, laid out as pidstat\'s reports, live or from rsadc\'s logs'
complete -c rsar -n "__fish_rsar_needs_command" -a "cgtop" -d 'The cgroups over one interval, as systemd-cgtop shows them: tasks, %CPU, memory, I/O and pressure, as a tree or flat, live or at a past moment of rsadc\'s logs'
complete -c rsar -n "__fish_rsar_needs_command" -a "explain" -d 'What made a window of the logs different from a baseline: each system signal\'s change, whether it stands out of the baseline\'s own variation, and the processes and cgroups ranked by their share of it'
complete -c rsar -n "__fish_rsar_needs_command" -a "diff" -d 'Two windows of the logs, or two logs (before and after a deploy, host A and host B), side by side: every sar report\'s averages with the change, then the processes and cgroups that moved most'
complete -c rsar -n "__fish_rsar_needs_command" -a "export" -d 'Write logged history as OpenMetrics, in node_exporter\'s metric names, for `promtool tsdb create-blocks-from openmetrics`'
complete -c rsar -n "__fish_rsar_needs_command" -a "report" -d 'Write one self-contained HTML page for a window of the logs: what changed against a baseline, charts of every recorded report, the top processes and cgroups, the machine, and the command that makes it again'
complete -c rsar -n "__fish_rsar_needs_command" -a "tui" -d 'The machine live, or its history replayed, in the terminal (press ? for the keys)'
complete -c rsar -n "__fish_rsar_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s S -l unit -d 'Unit of the memory columns: k (1000), K (1024), m (1000000), M (1048576) bytes' -r -f -a "k\t'1000 bytes'
K\t'1024 bytes'
m\t'1000000 bytes'
M\t'1048576 bytes'"
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s o -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s w -l wide -d 'Wide output: wider columns and the guest CPU column (gu)'
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s n -l one-header -d 'Accepted for vmstat compatibility: the header is printed once anyway'
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each line as it lands'
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s C -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsar -n "__fish_rsar_using_subcommand vmstat" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s p -d 'These processes: PID[,PID…] or ALL (every process, active or not)' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s C -d 'Processes whose command name matches this regular expression' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s U -d 'User names instead of ids; with a name, only that user\'s processes' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s o -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s u -d 'CPU use: %usr %system %guest %wait %CPU CPU (the default)'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s r -d 'Memory: minflt/s majflt/s VSZ RSS %MEM'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s d -d 'Storage I/O: kB_rd/s kB_wr/s kB_ccwr/s iodelay (needs root for other users\' processes)'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s w -d 'Context switches: cswch/s nvcswch/s'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s l -d 'The whole command line instead of the command name'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s h -d 'One line per process with every report (and no averages)'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s H -d 'Times as seconds since the epoch'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l utc -d 'Times in UTC'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l help -d 'Print help'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each interval as it lands; Ctrl-C prints the averages'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -l comments -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_using_subcommand pidstat" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand top" -s o -d 'Sort the processes by this column' -r -f -a "%CPU\t''
%MEM\t''
RES\t''
VIRT\t''
TIME+\t''
PID\t''
nTH\t''"
complete -c rsar -n "__fish_rsar_using_subcommand top" -l state -d 'Only processes in these states, e.g. D (uninterruptible) or RD' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -s u -d 'Only this user\'s processes (a name or a uid)' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -s p -d 'Only these processes' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -s n -d 'At most this many processes' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand top" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_using_subcommand top" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand top" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand top" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand top" -l save -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand top" -s c -d 'The whole command line instead of the command name'
complete -c rsar -n "__fish_rsar_using_subcommand top" -l utc -d 'Times in UTC'
complete -c rsar -n "__fish_rsar_using_subcommand top" -s C -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_using_subcommand top" -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each interval as it lands; Ctrl-C prints the averages'
complete -c rsar -n "__fish_rsar_using_subcommand top" -s h -l help -d 'Print help'
complete -c rsar -n "__fish_rsar_using_subcommand top" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s g -l cgroup -d 'Only the cgroups whose path matches this regular expression (searched in the path as printed, /system.slice/nginx.service, and as rsadc\'s --cgroup-include takes it, without the leading /)' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l depth -d 'Only the cgroups down to this depth (the root is 0, system.slice 1)' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l format -d 'Output format' -r -f -a "table\t'pidstat\'s tables'
json\t'one JSON document: the intervals, then the averages'
jsonl\t'one JSON object per interval, per line; the averages last'
csv\t'RFC 4180 CSV with one header row, a row per cgroup per interval'"
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s o -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s u -d 'CPU: %usr %sys %CPU (of one CPU) %throttled (the default)'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s r -d 'Memory: kB_used kB_anon kB_file %limit oomkills'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s d -d 'Storage I/O: rkB/s wkB/s r/s w/s'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l dev -d 'Storage I/O per device: -d with a row per cgroup and device (DEVICE as sar -d names it); JSON gives each cgroup its devices, CSV a device column'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l psi -d 'Pressure stalls: %scpu %fcpu %smem %fmem %sio %fio (some and full, % of the time)'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s z -d 'Leave out the rows with nothing to show (every value 0 or absent)'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l utc -d 'Times in UTC'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s C -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each interval as it lands; Ctrl-C prints the averages'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsar -n "__fish_rsar_using_subcommand cgstat" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l sort -d 'Sort by this column, largest first' -r -f -a "cpu\t'%CPU'
memory\t'memory in use'
io\t'bytes read and written per second'
pressure\t'%PSI, the largest share of time stalled on CPU, memory or I/O'
tasks\t'tasks'"
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s n -d 'At most this many rows' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s g -l cgroup -d 'Only the cgroups whose path matches this regular expression (with or without the leading /)' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l depth -d 'Only the cgroups down to this depth (the root is 0, system.slice 1)' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s o -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l flat -d 'One flat list with full paths, instead of a tree'
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l utc -d 'Times in UTC'
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s C -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each interval as it lands; Ctrl-C prints the averages'
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsar -n "__fish_rsar_using_subcommand cgtop" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand explain" -s f -d 'Read these log files (repeat -f for several days) instead of the log directory' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand explain" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand explain" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand explain" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand explain" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand explain" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand explain" -l baseline -d 'What the window is compared with: `before` (the window of the same length just before it, the default), `yesterday`, `-Nd` (N days before), `HH:MM-HH:MM` (that time of the window\'s day), or another log file (with the window\'s -s/-e)' -r
complete -c rsar -n "__fish_rsar_using_subcommand explain" -l format -d 'How to print the findings' -r -f -a "text\t'a sentence per finding, most important first'
json\t'one JSON document: window, baseline, signals, cgroups'"
complete -c rsar -n "__fish_rsar_using_subcommand explain" -l utc -d 'Times in UTC'
complete -c rsar -n "__fish_rsar_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsar -n "__fish_rsar_using_subcommand explain" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand diff" -s f -d 'The log files the windows are in (repeat -f for several days) instead of today\'s in the log directory' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand diff" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand diff" -l before -d 'The first window: HH:MM[:SS]-HH:MM[:SS]' -r
complete -c rsar -n "__fish_rsar_using_subcommand diff" -l after -d 'The second window: HH:MM[:SS]-HH:MM[:SS]' -r
complete -c rsar -n "__fish_rsar_using_subcommand diff" -s s -d 'With two logs: the time of day each starts at (HH:MM[:SS])' -r
complete -c rsar -n "__fish_rsar_using_subcommand diff" -s e -d 'With two logs: the time of day each ends at (HH:MM[:SS])' -r
complete -c rsar -n "__fish_rsar_using_subcommand diff" -l format -d 'How to print the comparison' -r -f -a "text\t'a sentence per finding, most important first'
json\t'one JSON document: window, baseline, signals, cgroups'"
complete -c rsar -n "__fish_rsar_using_subcommand diff" -l utc -d 'Times in UTC'
complete -c rsar -n "__fish_rsar_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsar -n "__fish_rsar_using_subcommand diff" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand export" -l format -d 'The output format (OpenMetrics 1.0, the one promtool backfills from)' -r -f -a "openmetrics\t''"
complete -c rsar -n "__fish_rsar_using_subcommand export" -l label -d 'Add (or replace) a label on every series: K=V; repeatable. Defaults: job="rsadc", instance=the recorded host name' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -l metrics-cgroups-depth -d 'Serve cgroups down to this depth only (the root is 0, system.slice 1, a Kubernetes container 4)' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -l metrics-cgroups-top -d 'Serve at most N cgroups: those that used the most CPU time (0: no cgroup series)' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -l metrics-cgroups-include -d 'Serve only the cgroups whose path (below the root, e.g. system.slice/nginx.service) matches this regular expression' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -l metrics-cgroups-exclude -d 'Do not serve the cgroups whose path matches this regular expression' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand export" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_using_subcommand export" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand export" -s o -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand export" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand export" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand export" -s C -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_using_subcommand export" -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each interval as it lands; Ctrl-C prints the averages'
complete -c rsar -n "__fish_rsar_using_subcommand export" -s h -l help -d 'Print help'
complete -c rsar -n "__fish_rsar_using_subcommand export" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand report" -s o -l output -d 'Write the page to this file instead of standard output' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand report" -l baseline -d 'What the window is compared with in the page\'s summary of what changed: `before` (the window of the same length just before it, the default), `yesterday`, `-Nd`, `HH:MM-HH:MM`, or another log file, as rsar explain takes them' -r
complete -c rsar -n "__fish_rsar_using_subcommand report" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand report" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_using_subcommand report" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand report" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand report" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand report" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand report" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_using_subcommand report" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_using_subcommand report" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand report" -l save -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand report" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand report" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand report" -l html -d 'Write an HTML page (the one format of this command)'
complete -c rsar -n "__fish_rsar_using_subcommand report" -l utc -d 'Times in UTC'
complete -c rsar -n "__fish_rsar_using_subcommand report" -s C -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_using_subcommand report" -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each interval as it lands; Ctrl-C prints the averages'
complete -c rsar -n "__fish_rsar_using_subcommand report" -s h -l help -d 'Print help'
complete -c rsar -n "__fish_rsar_using_subcommand report" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand tui" -s f -d 'Read this log file (written by rsadc, or sysstat\'s saDD) instead of sampling live' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand tui" -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -n "__fish_rsar_using_subcommand tui" -s s -d 'Start at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment: 2026-11-01, \'2026-11-01 08:00\', or any form --since takes' -r
complete -c rsar -n "__fish_rsar_using_subcommand tui" -s e -d 'End at this time of day (HH:MM[:SS]) on each day read, as sar; or, given a date, at that moment (a date alone: through its end): 2026-11-30, \'2026-11-30 18:00\'' -r
complete -c rsar -n "__fish_rsar_using_subcommand tui" -l since -d 'From this time on: 30d, 12h, 2w, 90m (that long ago), HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -n "__fish_rsar_using_subcommand tui" -l until -d 'Up to this time (same forms as --since)' -r
complete -c rsar -n "__fish_rsar_using_subcommand tui" -s i -d 'From the logs, keep the sample nearest each multiple of SECS seconds (sar\'s rule)' -r
complete -c rsar -n "__fish_rsar_using_subcommand tui" -s o -d 'Also save the live samples to this log file' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand tui" -l tier -d 'Read each day from its raw log (raw) or its roll-up (1m, 1h: a sample a minute or an hour, written by rsadc after the day; or the interval of a tier rsadc\'s --tiers named, as 5m), whichever the day has. Without it, a day is read raw, from a roll-up when its raw log is gone (the finest), or from the coarsest roll-up whose interval is at most -i\'s' -r
complete -c rsar -n "__fish_rsar_using_subcommand tui" -l log-dir -d 'Where rsadc keeps its daily logs [default: RSAR_DIR from the environment or from /etc/default/rsar, else /var/log/rsar]' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand tui" -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand tui" -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -n "__fish_rsar_using_subcommand tui" -s C -d 'Show comments recorded in the logs'
complete -c rsar -n "__fish_rsar_using_subcommand tui" -l follow -d 'Replay today\'s log (or the -f FILE), which is followed as it grows anyway'
complete -c rsar -n "__fish_rsar_using_subcommand tui" -s h -l help -d 'Print help'
complete -c rsar -n "__fish_rsar_using_subcommand tui" -s V -l version -d 'Print version'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "vmstat" -d 'One line per interval, as procps vmstat prints it: processes, memory, swap, I/O, system, CPU'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "pidstat" -d 'Per-process CPU, memory, I/O and context switches, as pidstat prints them, live or from rsadc\'s logs'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "top" -d 'Snapshots of the processes, as `top -b` prints them: one per interval live, or one at a past moment from rsadc\'s logs'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "cgstat" -d 'Per-cgroup CPU, memory, I/O and pressure over each interval, laid out as pidstat\'s reports, live or from rsadc\'s logs'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "cgtop" -d 'The cgroups over one interval, as systemd-cgtop shows them: tasks, %CPU, memory, I/O and pressure, as a tree or flat, live or at a past moment of rsadc\'s logs'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "explain" -d 'What made a window of the logs different from a baseline: each system signal\'s change, whether it stands out of the baseline\'s own variation, and the processes and cgroups ranked by their share of it'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "diff" -d 'Two windows of the logs, or two logs (before and after a deploy, host A and host B), side by side: every sar report\'s averages with the change, then the processes and cgroups that moved most'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "export" -d 'Write logged history as OpenMetrics, in node_exporter\'s metric names, for `promtool tsdb create-blocks-from openmetrics`'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "report" -d 'Write one self-contained HTML page for a window of the logs: what changed against a baseline, charts of every recorded report, the top processes and cgroups, the machine, and the command that makes it again'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "tui" -d 'The machine live, or its history replayed, in the terminal (press ? for the keys)'
complete -c rsar -n "__fish_rsar_using_subcommand help; and not __fish_seen_subcommand_from vmstat pidstat top cgstat cgtop explain diff export report tui help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
