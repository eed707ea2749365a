/*
 * Runs a libFuzzer target over files (a corpus, or a crash to reproduce)
 * when the compiler has no libFuzzer: fuzz targets are built, and their
 * corpora replayed, by every build.  replay FILE…
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        uint8_t *buf = NULL;
        size_t len = 0, cap = 0, n;

        if (!f) {
            perror(argv[i]);
            return 1;
        }
        do {
            if (len == cap) {
                uint8_t *bigger = realloc(buf, cap = cap ? cap * 2 : 4096);

                if (!bigger) {
                    free(buf);
                    fclose(f);
                    return 1;
                }
                buf = bigger;
            }
            n = fread(buf + len, 1, cap - len, f);
            len += n;
        } while (n > 0);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
    }
    return 0;
}
