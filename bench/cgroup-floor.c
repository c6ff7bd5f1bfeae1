/* The cgroup reader's floor: what reading the per-cgroup files costs when nothing is
 * parsed, nothing is walked and nothing is written. bench/cgroup-cost.sh compares rsar's
 * reader (examples/cgroup_cost.rs) with it.
 *
 *   cgroup-floor LIST COUNT   open every file LIST names (one path a line) once, then
 *                             COUNT times pread each of them whole from offset 0 into
 *                             one reused buffer (a short read is the end: the kernel
 *                             makes a cgroup file's text at once); print the CPU time
 *                             (user + system, getrusage) per pass in microseconds, the
 *                             opens not counted
 *
 * LIST is what `cgroup_cost --list FILE` writes: the files one sample of rsar's reader
 * reads. A file that cannot be opened is left out with a note on stderr. The limit of
 * open files is raised as far as the process may; the files beyond it (less the 256
 * descriptors rsar's reader leaves free, as it does) are opened, read and closed at
 * every pass, as rsar's reader must read them too (its opens then counted). Build:
 * cc -O2 -o floor cgroup-floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Read the whole file at `fd` from offset 0 into `buf`. */
static void read_whole(int fd, char *buf, size_t size) {
    size_t len = 0;
    for (;;) {
        ssize_t r = pread(fd, buf + len, size - len, len);
        if (r <= 0)
            break;
        len += r;
        if ((size_t)r < size - len + r)
            break;
    }
}

static double cpu_us(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec +
           ru.ru_stime.tv_usec;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s LIST COUNT\n", argv[0]);
        return 2;
    }
    long count = atol(argv[2]);
    FILE *list = fopen(argv[1], "r");
    if (!list) {
        perror(argv[1]);
        return 1;
    }
    struct rlimit rl = {1 << 20, 1 << 20};
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
        getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    size_t n = 0, cap = 1024, nb = 0, capb = 1024;
    int *fds = malloc(cap * sizeof *fds);
    char **byname = malloc(capb * sizeof *byname);
    char line[4096];
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = 0;
        int fd = -1;
        if (n + 256 < rl.rlim_cur)
            fd = open(line, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && (n + 256 >= rl.rlim_cur || errno == EMFILE || errno == ENFILE)) {
            if (nb == capb)
                byname = realloc(byname, (capb *= 2) * sizeof *byname);
            byname[nb++] = strdup(line);
            continue;
        }
        if (fd < 0) {
            fprintf(stderr, "left out: %s\n", line);
            continue;
        }
        if (n == cap)
            fds = realloc(fds, (cap *= 2) * sizeof *fds);
        fds[n++] = fd;
    }
    static char buf[64 * 1024];
    double t0 = cpu_us();
    for (long s = 0; s < count; s++) {
        for (size_t i = 0; i < n; i++)
            read_whole(fds[i], buf, sizeof buf);
        for (size_t i = 0; i < nb; i++) {
            int fd = open(byname[i], O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                read_whole(fd, buf, sizeof buf);
                close(fd);
            }
        }
    }
    double t1 = cpu_us();
    printf("%.1f\n", count > 0 ? (t1 - t0) / count : 0.0);
    fprintf(stderr, "floor: %zu files kept open, %zu read by name\n", n, nb);
    return 0;
}
