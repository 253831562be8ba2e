/** Where a row of the virtual list sits, and the props that put its element there. */
export interface Place {
  ref: (element: HTMLElement | null) => void;
  index: number;
  start: number;
}

/** The props that put a row element in its place. */
export function placeProps(place: Place) {
  return {
    ref: place.ref,
    'data-index': place.index,
    'aria-rowindex': place.index + 2,
    style: { transform: `translateY(${place.start}px)` },
  };
}
