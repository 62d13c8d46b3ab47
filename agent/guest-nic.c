/* Guest NIC models: see guest-nic.h.
 *
 * The limits are those of the Linux guest drivers (Linux 6.12 source); the
 * QEMU emulations' own receive limits are not confirmed here, nor are the
 * limits of other guests' drivers. */
#include "guest-nic.h"

#include <string.h>

#include "util.h"

static const struct guest_nic_limit limits[] = {
    /* drivers/net/ethernet/realtek/8139too.c: MAX_ETH_FRAME_SIZE 1792,
     * max_mtu 1792 - 18 - 4 = 1770; the network is jumbo above 1500. */
    { "rtl8139", 1500, "an emulated RTL8139 is a 100 Mbit/s NIC without "
      "jumbo frames (Linux's 8139too driver allows at most 1770: 1792-byte "
      "frames)" },
    /* drivers/net/ethernet/intel/e1000/e1000_main.c: max_mtu
     * MAX_JUMBO_FRAME_SIZE (0x3F00) - 18 = 16110. */
    { "e1000", 16110, "the Linux e1000 guest driver allows at most 16110 "
      "(16128-byte frames); other guests' limits are not confirmed" },
};

const struct guest_nic_limit *
guest_nic_limit(const char *model)
{
    for (size_t i = 0; model && i < ARRAY_SIZE(limits); i++) {
        if (!strcmp(model, limits[i].model)) {
            return &limits[i];
        }
    }
    return NULL;
}
