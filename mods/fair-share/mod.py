"""Fair share: priority-pack tasks get three of every four starts while both classes wait, not all of them.

The built-in rule serves priority-pack tasks strictly first, so when they alone fill the slots, normal customers
wait until the rush is over. This rule is start-time fair queueing between the two classes, read off the queue
itself (no state of its own, no side effects). Each waiting task carries a tag; the smallest tag starts next.
A new task's tag is

    tag = max(smallest tag waiting at the model, largest tag of its own class waiting there) + step

with step 1 for priority-pack tasks and 3 for normal ones (weights 3 : 1). Within a class tags rise, so each class
stays first come, first served. A class that had nothing waiting starts from the front of the queue, not behind
the other class's backlog, and cannot save up credit while idle.

The bound: a normal task that finds k normal tasks waiting starts after at most those k, plus three priority
tasks for each of them and for itself, that is after at most 4(k + 1) starts — however many priority tasks queue.
As long as normal customers ask for less than a quarter of the slots, their wait stays bounded.
"""

from factory_game.api import hookimpl, queued_keys

STEP = {True: 1, False: 3}  # priority pack : normal = 3 : 1


@hookimpl
def river_priority_key(world, customer, task):
    cls = 0 if customer.priority else 1
    keys = queued_keys(world, task.model)
    if not keys:
        return (STEP[customer.priority], cls)
    front = min(keys)[0]
    own = [key[0] for key in keys if key[1] == cls]
    return (max([front, *own]) + STEP[customer.priority], cls)
