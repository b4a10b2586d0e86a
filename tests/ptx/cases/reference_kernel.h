// The image kernel (image_cases.h) over module-scope texture, sampler and surface references
// instead of object parameters: `declarations` (.global .texref / .samplerref / .surfref) precede
// the kernel, which names them directly; objects bind them through runOkBinding
// (reference_binding.h).
#pragma once

#include "tests/ptx/cases/image_cases.h"
#include "tests/ptx/cases/texture_reference.h"
#include "tests/ptx/reference_binding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cuport::conformance {

// `independent` declares `.target sm_75, texmode_independent` (a separate sampler operand).
inline std::string referenceKernel(const std::string &declarations, const std::string &body,
                                   bool floatResults, bool independent = false) {
  std::string module = imageKernel(body, 0, floatResults);
  if (independent) {
    std::string target = ".target sm_75\n";
    module.replace(module.find(target), target.size(), ".target sm_75, texmode_independent\n");
  }
  module.insert(module.find(".visible .entry"), declarations);
  return module;
}

// An image launch whose objects bind the module's references `references`, in order.
struct BoundLaunch {
  Launch launch;
  std::vector<std::string> references;
};

inline BoundLaunch referenceLaunch(const std::string &module, const std::vector<Operands> &rows,
                                   std::vector<ImageObject> objects,
                                   std::vector<std::string> references) {
  return BoundLaunch{imageLaunch(module, rows, std::move(objects)), std::move(references)};
}

inline Bytes runBound(const BoundLaunch &bound, std::vector<Bytes> &images) {
  return runOkBinding(bound.launch, bound.references, images);
}

inline Bytes runBound(const BoundLaunch &bound) {
  std::vector<Bytes> images;
  return runBound(bound, images);
}

// Runs `bound` and compares each thread's four float (or integer) results with `expected`.
template <typename Expected>
void checkTexels(const BoundLaunch &bound, size_t rows, bool integerResults,
                 const Expected &expected) {
  Bytes out = runBound(bound);
  int failures = 0;
  for (size_t row = 0; row < rows && failures < 8; ++row) {
    texture_reference::Texel texel = expected(row);
    Results actual = resultAt(out, row);
    for (int c = 0; c < 4; ++c) {
      bool ok = integerResults ? actual[c] == texel.i[c] : closeFloat(actual[c], texel.f[c]);
      if (!ok && failures++ < 8)
        ADD_FAILURE() << bound.launch.ptx << "\nthread " << row << " component " << c << " is "
                      << (integerResults ? std::to_string(actual[c])
                                         : std::to_string(bitsFloat(actual[c])))
                      << ", expected "
                      << (integerResults ? std::to_string(texel.i[c]) : std::to_string(texel.f[c]));
    }
  }
}

} // namespace cuport::conformance
