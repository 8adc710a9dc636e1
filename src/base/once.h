/*
 * once: a per-item "made once, on first use" flag that threads may race for: the first
 * caller to claim an item makes it, one that finds it being made waits for it (the
 * work is microseconds: a coverage row, a prescaled image), and afterwards everyone
 * reads it. The state starts at ONCE_NONE (zeroed memory, or once_reset).
 */
#ifndef AP_ONCE_H
#define AP_ONCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum { ONCE_NONE, ONCE_BUSY, ONCE_DONE };

static inline void once_reset(_Atomic uint8_t *st)
{
	atomic_init(st, ONCE_NONE);
}

/* true: the caller makes the item now, then calls once_done; false: it is made (this
 * waited while another thread made it). */
static inline bool once_claim(_Atomic uint8_t *st)
{
	uint8_t v = atomic_load_explicit(st, memory_order_acquire);
	if (v == ONCE_DONE)
		return false;
	if (v == ONCE_NONE && atomic_compare_exchange_strong(st, &v, ONCE_BUSY))
		return true;
	while (atomic_load_explicit(st, memory_order_acquire) != ONCE_DONE)
		;
	return false;
}

static inline void once_done(_Atomic uint8_t *st)
{
	atomic_store_explicit(st, ONCE_DONE, memory_order_release);
}

#endif
