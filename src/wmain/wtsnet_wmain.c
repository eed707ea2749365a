/*
 * libwtsnet-wmain: a main() for ported programs whose entry point is
 * wmain(int, wchar_t **), as on Windows. It decodes argv with
 * MultiByteToWideChar(CP_ACP), which is UTF-8 (winnls.h), sets a UTF-8
 * locale (C.UTF-8 when the environment names none) so wprintf prints them
 * back, and calls wmain. Bytes that are not valid text become U+FFFD rather
 * than stopping the program.
 *     cc prog.c $(pkg-config --cflags --libs wtsnet-wmain)
 */
#include <windows.h>

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int wmain(int argc, wchar_t *argv[]);
int main(int argc, char *argv[]);

/* The library's conversion, as a Windows program's would be: each byte that
 * is not UTF-8 becomes U+FFFD (no MB_ERR_INVALID_CHARS). */
static wchar_t *widen(const char *s) {
    int n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t) n * sizeof(wchar_t)) : NULL;

    if (w && MultiByteToWideChar(CP_ACP, 0, s, -1, w, n) != n) {
        free(w);
        return NULL;
    }
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
