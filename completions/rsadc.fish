complete -c rsadc -l interval -d 'Seconds between samples (fractions allowed); samples are aligned to multiples of it' -r
complete -c rsadc -l file -d 'Write to this one file (created if it does not exist), without daily rotation' -r -F
complete -c rsadc -l comment -d 'Write a comment record with this text (sar -C shows it). While a collector writes the directory, the record is handed to it (DIR/rsadc.sock) and written between samples' -r
complete -c rsadc -l retain-days -d 'Delete day files older than this many days' -r
complete -c rsadc -l compress-after-days -d 'Compress day files older than this many days (zstd)' -r
complete -c rsadc -l tiers -d 'The roll-up tiers built from each closed day, each as INTERVAL:DAYS (its interval, a number and s, m, h or d that divides a day; the days it is kept): a tier\'s files are rsarYYYYMMDD.INTERVAL.zst. A tier no longer named is kept as long as the longest named one' -r
complete -c rsadc -l with -d 'Also record these optional groups, off by default for their cost (comma list): interrupts (-I; /proc/interrupts is slow to read and grows with CPUs × lines), cpufreq (-m CPU; /proc/cpuinfo grows with CPUs)' -r
complete -c rsadc -l skip -d 'Leave these optional groups out of the log (comma list): ktables (-v), filesystems (-F), interrupts, cpufreq, snmp (as --no-snmp)' -r
complete -c rsadc -l cgroup-depth -d 'Record cgroups down to this depth only (the root is 0, system.slice 1)' -r
complete -c rsadc -l cgroup-include -d 'Record only the cgroups whose path (below the root, e.g. system.slice/nginx.service) matches this regular expression' -r
complete -c rsadc -l cgroup-exclude -d 'Leave out the cgroups whose path matches this regular expression, with their descendants' -r
complete -c rsadc -l process-interval -d 'Record the process table every SECS seconds instead of with every sample (rounded to a whole number of samples)' -r
complete -c rsadc -l listen -d 'Serve GET /metrics for Prometheus on this address (node_exporter\'s metric names): an IP address and port (127.0.0.1:9808, [::1]:9808), or a host name and port (localhost:9808: every address it resolves to). Without INTERVAL, only serve; with it, record too. An empty value serves nothing (for `--listen=$SETTING`). Give a loopback address unless the port is firewalled: the metrics describe the machine' -r
complete -c rsadc -l remote-write -d 'Also push what is recorded to this Prometheus remote-write (1.0) receiver, e.g. http://prometheus:9090/api/v1/write, with the log as the queue: nothing is lost while the receiver is away, and sending resumes from a cursor kept in the log directory (rsadc.remote-write). Same series as /metrics, plus job="rsadc" and instance=<host name>. Needs INTERVAL and a log directory. An empty value sends nothing (for `--remote-write=$SETTING`)' -r
complete -c rsadc -l remote-write-label -d 'A label added to every series pushed (repeatable; job and instance may be replaced so)' -r
complete -c rsadc -l remote-write-user -d 'HTTP basic authentication for --remote-write: the user name (the password comes from --remote-write-password-file)' -r
complete -c rsadc -l remote-write-password-file -d 'The file holding the basic-authentication password (read at start)' -r -F
complete -c rsadc -l remote-write-bearer-token-file -d 'The file holding a bearer token for --remote-write (read at start)' -r -F
complete -c rsadc -l remote-write-ca-file -d 'PEM certificates to trust for an https --remote-write URL, besides the system\'s' -r -F
complete -c rsadc -l remote-write-tenant -d 'The tenant for --remote-write, sent as the X-Scope-OrgID header (Grafana Mimir, Cortex, Loki and other multi-tenant receivers)' -r
complete -c rsadc -l metrics-cgroups-depth -d 'Serve cgroups down to this depth only (the root is 0, system.slice 1, a Kubernetes container 4)' -r
complete -c rsadc -l metrics-cgroups-top -d 'Serve at most N cgroups: those that used the most CPU time (0: no cgroup series)' -r
complete -c rsadc -l metrics-cgroups-include -d 'Serve only the cgroups whose path (below the root, e.g. system.slice/nginx.service) matches this regular expression' -r
complete -c rsadc -l metrics-cgroups-exclude -d 'Do not serve the cgroups whose path matches this regular expression' -r
complete -c rsadc -l proc-root -d 'Read the kernel\'s counters from this /proc' -r -F
complete -c rsadc -l sys-root -d 'Read device facts from this /sys' -r -F
complete -c rsadc -l fake-clock -d 'Testing: a simulated clock starting at this Unix time (seconds); waits take no time' -r
complete -c rsadc -l import -d 'Import history and exit: ARGS are FILE… DIR, sysstat sa files (saDD, format 12.x) or rsar logs, written into DIR\'s day files. A day DIR already has keeps its files: imported records before or after them become compressed parts of the day, records inside the span it covers are left out (so importing twice adds nothing)'
complete -c rsadc -l boot -d 'Write a restart record (the machine has just booted). While a collector writes the directory, the record is handed to it (DIR/rsadc.sock) and written between samples'
complete -c rsadc -l rollup -d 'Roll up the closed days of DIR now into the tiers (--tiers: by default 1-minute and 1-hour, rsarYYYYMMDD.1m.zst, .1h.zst; days rolled up before and unchanged since are left), delete tiers past their retention, then exit. A running collector does it after each new day by itself, in the background'
complete -c rsadc -l fsync -d 'Flush every record to disk (fdatasync) as it is written'
complete -c rsadc -l housekeeping -d 'Delete and compress old days in the log directory now, then exit (for a daily cron line; a running collector does it after each new day by itself)'
complete -c rsadc -l no-processes -d 'Do not record the process table (recorded by default with every sample)'
complete -c rsadc -l no-cgroups -d 'Do not record the cgroups (recorded by default where a cgroup hierarchy is mounted: each cgroup\'s CPU, memory, I/O (also per device), pressure and tasks, its limits when they change)'
complete -c rsadc -l status -d 'Say how far remote write has got in the log directory (the acknowledged time and its lag), then exit'
complete -c rsadc -l no-snmp -d 'Do not record /proc/net/snmp and /proc/net/snmp6 (the -n IP EIP ICMP EICMP TCP ETCP UDP reports and their IPv6 twins): the kernel sums every per-CPU counter of those files at each read, about 30 µs per sample on 2 CPUs and more with more CPUs'
complete -c rsadc -l list-sources -d 'Benchmarks: take one sample, print the files a sample reads (and `statvfs PATH` for each mount point of -F) one a line, and exit (bench/collector-floor.sh)'
complete -c rsadc -l reparse -d 'Benchmarks: parse every file at every sample, even one that reads the same as at the last (the cost of a machine whose every counter moves; bench/collector-floor.sh)'
complete -c rsadc -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rsadc -s V -l version -d 'Print version'
