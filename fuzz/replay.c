/*
 * Runs a libFuzzer target over inputs (a corpus, or a crash to reproduce)
 * when the compiler has no libFuzzer: fuzz targets are built, and their
 * corpora replayed, by every build.  replay FILE|DIR…
 *
 * A directory stands for the regular files in it, in name order, as a
 * corpus directory does for libFuzzer. The output is TAP, one case per
 * input (meson test's suite "fuzz-replay"): an input that cannot be read,
 * or a directory without inputs, is a failed case; a crash or a sanitizer
 * report ends the run before its plan is complete, which TAP counts as a
 * failure too.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct inputs {
    char **path; /* NULL: a directory without inputs, named by why */
    char **why;
    size_t n, cap;
};

static int add(struct inputs *in, const char *path, const char *why) {
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;
        char **p = realloc(in->path, cap * sizeof(*p));

        if (!p)
            return -1;
        in->path = p;
        p = realloc(in->why, cap * sizeof(*p));
        if (!p)
            return -1;
        in->why = p;
        in->cap = cap;
    }
    in->path[in->n] = path ? strdup(path) : NULL;
    in->why[in->n] = why ? strdup(why) : NULL;
    if ((path && !in->path[in->n]) || (why && !in->why[in->n]))
        return -1;
    in->n++;
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* A directory's regular files, in name order; none is a case of its own that fails. */
static int add_dir(struct inputs *in, const char *dir) {
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name), found = 0, r = 0;

    if (n < 0)
        return add(in, NULL, dir);
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;

        if (r == 0 && names[i]->d_name[0] != '.' &&
            (size_t) snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < sizeof(path) &&
            stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            r = add(in, path, NULL);
            found++;
        }
        free(names[i]);
    }
    free(names);
    if (r == 0 && found == 0)
        r = add(in, NULL, dir);
    return r;
}

/* One input, whole, into a buffer of its own (an exact-size copy, so the
 * sanitizers see any read past its end). */
static int run_one(const char *path) {
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f)
        return -1;
    do {
        if (len == cap) {
            uint8_t *bigger = realloc(buf, cap = cap ? cap * 2 : 4096);

            if (!bigger) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = bigger;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    {
        uint8_t *exact = malloc(len ? len : 1);

        if (!exact) {
            free(buf);
            return -1;
        }
        memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    return 0;
}

int main(int argc, char **argv) {
    struct inputs in = {0};
    int failed = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        int r = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? add_dir(&in, argv[i]) : add(&in, argv[i], NULL);

        if (r < 0) {
            printf("Bail out! out of memory\n");
            return 1;
        }
    }
    printf("1..%zu\n", in.n);
    fflush(stdout);
    for (size_t i = 0; i < in.n; i++) {
        if (!in.path[i]) {
            printf("not ok %zu - %s has inputs\n", i + 1, in.why[i]);
            failed = 1;
        } else if (run_one(in.path[i]) < 0) {
            printf("not ok %zu - %s\n# cannot read it\n", i + 1, in.path[i]);
            failed = 1;
        } else {
            printf("ok %zu - %s\n", i + 1, in.path[i]);
        }
        fflush(stdout); /* what ran is on record before a crash */
        free(in.path[i]);
        free(in.why[i]);
    }
    free(in.path);
    free(in.why);
    return failed;
}
