/* libFuzzer target: the driver table parser (driver_table_parse_buffer())
 * over arbitrary bytes, and, for a table that parses, a judgement of each
 * of a few drivers (driver_table_judge()). */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

#include "drivers.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct driver_table *table = NULL;
    struct error err = { .code = 0 };
    int error = driver_table_parse_buffer("fuzz.json", (const char *) data,
                                          size, &table, &err);

    if (!error != !!table || (error && !err.msg[0])) {
        abort();
    }
    if (table) {
        static const char *const drivers[] = {
            "ixgbe", "enic", "e1000e", "virtio_net", "", NULL,
        };

        for (size_t i = 0; i < sizeof drivers / sizeof *drivers; i++) {
            struct driver_judgement j;

            driver_table_judge(table, drivers[i], i % 2, 0x8086, 0x10fb,
                               i % 3 == 0, &j);
        }
    }
    driver_table_destroy(table);
    return 0;
}
