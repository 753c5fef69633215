/** The centroid tracker ({@link io.vaultml.tracking.CentroidTracker}) and its settings. */
package io.vaultml.tracking;
