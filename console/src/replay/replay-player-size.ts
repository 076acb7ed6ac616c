/** Height rrweb-player's controller (timeline and buttons) takes below the frame. */
export const CONTROLLER_HEIGHT_PX = 80;
/** Room left around the player inside the stage. */
export const STAGE_PADDING_PX = 24;
