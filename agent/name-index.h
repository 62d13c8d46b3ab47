/* A small hash map from names to indexes, for look-ups that would
 * otherwise scan an array: the uniqueness checks of the policy, the host
 * model's look-ups by name, the planner's look-ups of networks.
 *
 * It keeps its own copy of each name, and for each name the first value
 * added with it, so that a caller who adds array positions in order finds
 * the first element of that name, as a linear scan would.  Each index
 * seeds its hash from the process's random bytes (AT_RANDOM): names chosen
 * to collide cannot make it slow.  Look-ups and adds take constant
 * expected time. */
#ifndef JUMBOAGENT_NAME_INDEX_H
#define JUMBOAGENT_NAME_INDEX_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What name_index_find() returns for a name that is not there. */
#define NAME_INDEX_NONE SIZE_MAX

struct name_index;

/* Returns a new, empty index.  The caller must free it with
 * name_index_destroy().  Never returns NULL (aborts on no memory). */
struct name_index *name_index_create(void);

/* Frees 'index' and its copies of the names.  Accepts NULL. */
void name_index_destroy(struct name_index *index);

/* Adds 'name' (copied) with 'value' to 'index' and returns true, or, if
 * 'name' is there already, leaves its first value alone and returns
 * false. */
bool name_index_add(struct name_index *index, const char *name,
                    size_t value);

/* Returns the value added with 'name' first, or NAME_INDEX_NONE if 'index'
 * does not have 'name'. */
size_t name_index_find(const struct name_index *index, const char *name);

/* Returns the number of distinct names in 'index'. */
size_t name_index_count(const struct name_index *index);

#endif /* name-index.h */
