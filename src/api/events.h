/* The per-handle state of WTSWaitSystemEvent (events.c), owned by a server handle (server.c). */
#ifndef WTSNET_API_EVENTS_H
#define WTSNET_API_EVENTS_H

struct event_hub;

int event_hub_new(struct event_hub **ret);
/* WTSCloseServer: every pending wait returns ERROR_INVALID_HANDLE; later waits too. */
void event_hub_close(struct event_hub *h);
/* Stops the hub's thread and subscription (the last reference to the handle is gone). */
void event_hub_free(struct event_hub *h);

#endif
