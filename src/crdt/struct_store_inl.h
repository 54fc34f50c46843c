// Template bodies for struct_store.h.
#pragma once

#include "crdt/item.h"
#include "crdt/struct_store.h"

namespace symphony::crdt {

template <class F>
void StructStore::IterateStructs(Transaction& tr, Structs& structs, Clock clock, uint64_t len,
                                 F&& f) {
  if (len == 0) return;
  const Clock end = clock + len;
  int64_t index = FindIndexCleanStart(tr, structs, clock);
  if (index < 0) return;
  size_t i = static_cast<size_t>(index);
  do {
    Item* s = structs[i++];
    if (end < s->id.clock + s->length) FindIndexCleanStart(tr, structs, end);
    f(s);
  } while (i < structs.size() && structs[i]->id.clock < end);
}

}  // namespace symphony::crdt
