complete -c rsar -s u -d 'CPU utilisation (the default report). `-u ALL` shows every CPU state' -r
complete -c rsar -s P -d 'Per-CPU utilisation for the listed CPUs (`-P 0,3`) or for every CPU (`-P ALL`)' -r
complete -c rsar -s q -d 'Run queue, task list and load averages. `-q ALL` adds pressure stall information' -r
complete -c rsar -s r -d 'Memory utilisation. `-r ALL` adds anon, slab, kernel stack, page table and vmalloc use' -r
complete -c rsar -s n -d 'Network statistics: `-n DEV` (traffic per interface), `-n EDEV` (errors per interface), a comma list of them, or `-n ALL`' -r
complete -c rsar -l format -d 'Output format' -r -f -a "table\t'sar\'s tables'
json\t'one document in the layout of sysstat\'s `sadf -j`'
jsonl\t'one JSON object per interval, per line'
csv\t'RFC 4180 CSV with one header row'
svg\t'a self-contained SVG with a chart per report'"
complete -c rsar -s f -d 'Read this log file (written by rsadc) instead of sampling live' -r -F
complete -c rsar -l days-ago -d 'Read the log of N days ago: -1 is yesterday, -2 the day before' -r
complete -c rsar -s s -d 'Start the report at this time of day (HH:MM[:SS])' -r
complete -c rsar -s e -d 'End the report at this time of day (HH:MM[:SS])' -r
complete -c rsar -l since -d 'Report from this time on: HH:MM, 2026-11-21 14:00, ISO 8601, @EPOCH, \'2h ago\', \'yesterday 14:00\'; spans as many daily logs as it needs' -r
complete -c rsar -l until -d 'Report up to this time (same forms as --since)' -r
complete -c rsar -s i -d 'From the logs, keep samples at least this many seconds apart' -r
complete -c rsar -s o -d 'Also save the live samples to this log file' -r -F
complete -c rsar -l log-dir -d 'Where rsadc keeps its daily logs' -r -F
complete -c rsar -l proc-root -d 'Read the kernel\'s counters from this /proc (a container with the host\'s /proc mounted elsewhere, or a captured tree)' -r -F
complete -c rsar -l sys-root -d 'Read device facts (physical disks, link speeds, CPU count) from this /sys' -r -F
complete -c rsar -s S -d 'Swap space utilisation'
complete -c rsar -s W -d 'Swapping: pages swapped in and out per second'
complete -c rsar -s B -d 'Paging: page-ins, page-outs, faults, reclaim'
complete -c rsar -s b -d 'I/O and transfer rates over all physical disks'
complete -c rsar -s d -d 'Activity of each block device'
complete -c rsar -s p -d 'Print device names (vda, sda) with -d; accepted for sar compatibility, names are printed by default as sar 12 does'
complete -c rsar -s w -d 'Task creation and context switches'
complete -c rsar -s A -d 'All reports: -bBdqSrwW -u ALL -r ALL -q ALL -n DEV -P ALL'
complete -c rsar -l utc -d 'Show times in UTC instead of the local time zone'
complete -c rsar -s C -d 'Show comments recorded in the logs'
complete -c rsar -l follow -d 'Keep reading the log as rsadc appends to it (today\'s, or the -f FILE), printing each interval as it lands; Ctrl-C prints the averages'
complete -c rsar -l help -d 'Print help'
complete -c rsar -s V -l version -d 'Print version'
