// Messages of the member screens: `en` must have every key of `ja`.
export const ja = {
} as const;

export const en: Record<keyof typeof ja, string> = {
};
