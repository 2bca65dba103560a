/** "Now", injected: the Lambda handlers pass the system clock, tests a clock they move by hand. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
