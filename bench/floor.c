/* The collector's floor: what sampling the kernel's counters costs when nothing is parsed
 * and nothing is written. bench/collector-floor.sh compares rsadc and sadc with it.
 *
 *   floor read INTERVAL_MS COUNT LIST   open every file LIST names once, then COUNT times
 *                                       (every INTERVAL_MS, aligned to multiples of it;
 *                                       0 = back to back) pread each of them whole into one
 *                                       reused buffer, without a last read that returns 0
 *                                       where a short read is certainly the end; a line
 *                                       "statvfs PATH" is a statvfs(2) of PATH each time
 *                                       instead (sar -F's cost); a line "every N DIR
 *                                       FILE" opens DIR/FILE relative to DIR (opened
 *                                       once), reads it and closes it at every Nth
 *                                       sample from the first (rsadc's refresh of the
 *                                       link speeds in /sys)
 *   floor time CMD [ARG...]             run CMD, print its user+system CPU time in
 *                                       microseconds (wait4's rusage) on stdout
 *
 * LIST is what `rsadc --list-sources` prints for the same options: the files one sample
 * reads. A file that cannot be opened is left out with a note on stderr, as rsadc leaves
 * an optional group out. Build: cc -O2 -o floor bench/floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOURCES 4096

struct source {
    int fd;      /* -1: a statvfs; with every: the directory */
    int regular; /* a regular file with a size: a short read is its end */
    long every;  /* 0: read at each sample; N: opened at fd, read and closed every N */
    char *path;  /* with every: relative to fd */
};

static int run_time(char **argv) {
    pid_t pid = fork();
    if (pid < 0) {
        perror("floor: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "floor: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("floor: wait4");
        return 2;
    }
    long long us = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
                   (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    printf("%lld\n", us);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "floor: %s failed (status %d)\n", argv[0], status);
        return 1;
    }
    return 0;
}

static int run_read(long interval_ms, long count, const char *list) {
    static struct source src[MAX_SOURCES];
    int n = 0;
    FILE *f = fopen(list, "r");
    if (!f) {
        fprintf(stderr, "floor: cannot read %s: %s\n", list, strerror(errno));
        return 2;
    }
    char line[4096];
    while (fgets(line, sizeof line, f) && n < MAX_SOURCES) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0])
            continue;
        if (strncmp(line, "statvfs ", 8) == 0) {
            src[n].fd = -1;
            src[n].path = strdup(line + 8);
            n++;
            continue;
        }
        if (strncmp(line, "every ", 6) == 0) {
            char *end, *dir, *rel;
            long every = strtol(line + 6, &end, 10);
            dir = end + strspn(end, " ");
            rel = strchr(dir, ' ');
            if (every <= 0 || !rel) {
                fprintf(stderr, "floor: bad line %s\n", line);
                return 2;
            }
            *rel++ = 0;
            /* One descriptor per directory, as rsadc keeps one. */
            static char last_dir[4096];
            static int last_fd = -1;
            if (last_fd < 0 || strcmp(dir, last_dir) != 0) {
                last_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                snprintf(last_dir, sizeof last_dir, "%s", dir);
            }
            if (last_fd < 0) {
                fprintf(stderr, "floor: leaving out %s: %s\n", dir, strerror(errno));
                continue;
            }
            src[n].fd = last_fd;
            src[n].every = every;
            src[n].path = strdup(rel);
            n++;
            continue;
        }
        int fd = open(line, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "floor: leaving out %s: %s\n", line, strerror(errno));
            continue;
        }
        struct stat st;
        src[n].regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
        src[n].fd = fd;
        src[n].path = strdup(line);
        n++;
    }
    fclose(f);

    size_t cap = 64 * 1024;
    char *buf = malloc(cap);
    if (!buf)
        return 2;
    long long step = (long long)interval_ms * 1000000;
    for (long i = 0; i < count; i++) {
        if (step > 0) {
            /* Wake at the next multiple of the interval, as rsadc and sadc do. */
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            long long t = (long long)now.tv_sec * 1000000000 + now.tv_nsec;
            long long next = (t / step + 1) * step;
            struct timespec at = {next / 1000000000, next % 1000000000};
            while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at, NULL) == EINTR) {
            }
        }
        for (int s = 0; s < n; s++) {
            if (src[s].every > 0) {
                if (i % src[s].every == 0) {
                    int fd = openat(src[s].fd, src[s].path, O_RDONLY | O_CLOEXEC);
                    if (fd >= 0) {
                        while (read(fd, buf, 4096) < 0 && errno == EINTR) {
                        }
                        close(fd);
                    }
                }
                continue;
            }
            if (src[s].fd < 0) {
                struct statvfs st;
                statvfs(src[s].path, &st);
                continue;
            }
            size_t len = 0;
            for (;;) {
                if (cap - len < 4096) {
                    cap *= 2;
                    buf = realloc(buf, cap);
                    if (!buf)
                        return 2;
                }
                size_t room = cap - len;
                ssize_t r = pread(src[s].fd, buf + len, room, (off_t)len);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0)
                    break;
                len += (size_t)r;
                /* The end without a read that returns 0, where that is certain: a regular
                 * file, or a /proc read that stopped well short of a page (a seq_file read
                 * that stopped for room filled a page less one record). rsadc reads no
                 * more than this either. */
                if ((size_t)r < room && (src[s].regular || r <= 4096 - 512))
                    break;
            }
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "time") == 0)
        return run_time(argv + 2);
    if (argc == 5 && strcmp(argv[1], "read") == 0)
        return run_read(atol(argv[2]), atol(argv[3]), argv[4]);
    fprintf(stderr, "usage: floor read INTERVAL_MS COUNT LIST | floor time CMD [ARG...]\n");
    return 1;
}
