/*
 * libwtsnet-wmain: a main() for ported programs whose entry point is
 * wmain(int, wchar_t **), as on Windows. It decodes argv from the locale's
 * multibyte encoding (UTF-8 on Linux; C.UTF-8 is used when the environment
 * names none), so wprintf prints them back, and calls wmain. Bytes that are
 * not valid text become U+FFFD rather than stopping the program.
 *     cc prog.c $(pkg-config --cflags --libs wtsnet-wmain)
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int wmain(int argc, wchar_t *argv[]);
int main(int argc, char *argv[]);

static wchar_t *widen(const char *s) {
    size_t n = strlen(s), o = 0;
    wchar_t *w = malloc((n + 1) * sizeof(wchar_t));
    mbstate_t st;

    if (!w)
        return NULL;
    memset(&st, 0, sizeof(st));
    while (n > 0) {
        size_t k = mbrtowc(&w[o], s, n, &st);

        if (k == (size_t) -1 || k == (size_t) -2) {
            w[o++] = 0xFFFD;
            s++, n--;
            memset(&st, 0, sizeof(st));
            continue;
        }
        if (k == 0)
            break;
        o++;
        s += k, n -= k;
    }
    w[o] = L'\0';
    return w;
}

int main(int argc, char *argv[]) {
    wchar_t **wargv;

    setlocale(LC_ALL, "");
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
    wargv = calloc((size_t) argc + 1, sizeof(*wargv));
    if (!wargv) {
        fputs("out of memory\n", stderr);
        return 1;
    }
    for (int i = 0; i < argc; i++)
        if (!(wargv[i] = widen(argv[i]))) {
            fputs("out of memory\n", stderr);
            return 1;
        }
    return wmain(argc, wargv);
}
