/* Runs tools/verb_net.c's verb as a program, for the tests (the wtsnet CLI
 * wires the same function into its verb table). */
#include <stdbool.h>
#include <string.h>

#include "../../tools/verb_net.h"

int main(int argc, char **argv) {
    bool json = argc > 1 && strcmp(argv[1], "--json") == 0;

    return verb_net_session(argc - 1 - json, argv + 1 + json, json);
}
