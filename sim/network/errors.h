// How the network rejects bad user input: a split naming an unknown node, a malformed split,
// link options out of range. The message names the input and the problem
// ("unknown node '7' at column 7 in split '1,2 | 7'"). Misuse by the layers above (an unknown
// NodeId, sending on a connection the node does not hold) is a programmer error: an assertion.
#pragma once

#include <stdexcept>

namespace ksim::sim::network {

class NetworkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ksim::sim::network
