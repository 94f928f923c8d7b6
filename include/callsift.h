/*
 * callsift.h - the umbrella header: include this to use the library.
 * Each module's whole public API is in include/callsift/<module>.h.
 */
#ifndef CALLSIFT_H
#define CALLSIFT_H

#include "callsift/common.h"
#include "callsift/number.h"
#include "callsift/text.h"
#include "callsift/orgs.h"
#include "callsift/stir.h"
#include "callsift/engine.h"
#include "callsift/record.h"

#endif
