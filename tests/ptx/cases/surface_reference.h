// Host reference for surface accesses, from the PTX ISA (suld, sust, sured): the x coordinate is a
// byte offset into a row (.b forms), y, z and the layer count elements; an access must lie inside
// the surface, and one that does not traps (.trap), is dropped or reads zero (.zero) or goes to
// the nearest location inside, sized like the access (.clamp).
#pragma once

#include "tests/ptx/conformance.h"

#include <algorithm>
#include <optional>
#include <string>

namespace cuport::conformance::surface_reference {

enum class Geometry { D1, D2, D3, A1, A2 };

inline const char *geometryName(Geometry geometry) {
  static const char *kNames[] = {"1d", "2d", "3d", "a1d", "a2d"};
  return kNames[int(geometry)];
}

// The coordinate vector of the geometry over %r1 (x, bytes), %r2 (y), %r3 (z), %r4 (layer).
inline std::string coordinates(Geometry geometry) {
  switch (geometry) {
  case Geometry::D1:
    return "{%r1}";
  case Geometry::D2:
    return "{%r1, %r2}";
  case Geometry::D3:
    return "{%r1, %r2, %r3, %r4}";
  case Geometry::A1:
    return "{%r4, %r1}";
  case Geometry::A2:
    break;
  }
  return "{%r4, %r1, %r2, %r3}";
}

inline bool layered(Geometry geometry) {
  return geometry == Geometry::A1 || geometry == Geometry::A2;
}

// The byte offset in Image::texels of the access of `bytes` bytes at (x, y, z, layer), after the
// clamp mode; nothing when it falls outside under .zero (or .trap).
inline std::optional<size_t> offset(const Image &image, Geometry geometry, int64_t x, int64_t y,
                                    int64_t z, int64_t layer, uint32_t bytes, bool clamp) {
  int64_t rowBytes = int64_t(image.width) * image.elementBytes();
  bool hasY = geometry == Geometry::D2 || geometry == Geometry::D3 || geometry == Geometry::A2;
  bool hasZ = geometry == Geometry::D3;
  if (!hasY)
    y = 0;
  if (!hasZ)
    z = 0;
  int64_t slice = layered(geometry) ? layer : z;
  int64_t limits[3] = {rowBytes - bytes, int64_t(image.rows()) - 1, int64_t(image.slices()) - 1};
  int64_t position[3] = {x, y, slice};
  for (int d = 0; d < 3; ++d)
    if (position[d] < 0 || position[d] > limits[d]) {
      if (!clamp)
        return std::nullopt;
      position[d] = std::clamp<int64_t>(position[d], 0, limits[d]);
    }
  return size_t((position[2] * int64_t(image.rows()) + position[1]) * rowBytes + position[0]);
}

} // namespace cuport::conformance::surface_reference
